package dev.quorumcommit.order.participant;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.twopc.local.SyncingJpaTransactionManager;
import dev.quorumcommit.twopc.participant.jpa.JpaBarrierStore;
import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.TwoPcMetrics;
import dev.quorumcommit.twopc.participant.ParticipantTermination;

@Configuration(proxyBeanMethods = false)
class ParticipantConfiguration {

    @Bean
    JpaBarrierStore barrierStore(EntityManager entities) {
        return new JpaBarrierStore(entities);
    }

    @Bean
    TwoPcMetrics participantMetrics(MeterRegistry registry, JpaBarrierStore store, TransactionTemplate transactions) {
        TwoPcMetrics metrics = new TwoPcMetrics(registry, "participant");
        TransactionTemplate reads = SyncingJpaTransactionManager.forReads(transactions);
        metrics.inDoubt(() -> reads.execute(status -> store.countPrepared()));
        return metrics;
    }

    @Bean
    ParticipantTermination orderTermination(JpaBarrierStore store, DecisionRegister register,
            OrderParticipant participant, ParticipantProperties properties, TwoPcMetrics participantMetrics, Clock clock) {
        ParticipantTermination termination = new ParticipantTermination(store, register, participant,
                properties.preparedTimeout(), participantMetrics, clock);
        participant.terminateWith(termination);
        return termination;
    }
}
