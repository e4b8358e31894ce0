package dev.quorumcommit.inventory.participant;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.twopc.local.SyncingJpaTransactionManager;
import dev.quorumcommit.twopc.participant.jpa.JpaBarrierStore;
import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.TwoPcMetrics;
import dev.quorumcommit.twopc.local.GroupCommit;
import dev.quorumcommit.twopc.participant.Barrier;
import dev.quorumcommit.twopc.participant.ParticipantTermination;

@Configuration(proxyBeanMethods = false)
class ParticipantConfiguration {

    @Bean
    JpaBarrierStore barrierStore(EntityManager entities) {
        return new JpaBarrierStore(entities);
    }

    /** The participant's local commits: prepares and commits arriving together share one. */
    @Bean(destroyMethod = "close")
    GroupCommit groupCommit(TransactionTemplate transactions,
            EntityManager entities) {
        return GroupCommit.forJpa("inventory", transactions, entities, 64);
    }

    /** Runs the items of a batched request at once (they wait on the group commit, so virtual threads). */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService participantBatchThreads() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("participant-batch-", 0).factory());
    }

    @Bean
    Barrier barrier(JpaBarrierStore store, StockEffects effects, Clock clock) {
        return new Barrier(store, effects, clock);
    }

    @Bean
    TwoPcMetrics participantMetrics(MeterRegistry registry, JpaBarrierStore store,
            TransactionTemplate transactions) {
        TwoPcMetrics metrics = new TwoPcMetrics(registry, "participant");
        TransactionTemplate reads = SyncingJpaTransactionManager.forReads(transactions);
        metrics.inDoubt(() -> reads.execute(status -> store.countPrepared()));
        return metrics;
    }

    @Bean
    ParticipantTermination participantTermination(JpaBarrierStore store, DecisionRegister register,
            InventoryParticipant participant, ParticipantProperties properties, TwoPcMetrics metrics, Clock clock) {
        return new ParticipantTermination(store, register, participant, properties.preparedTimeout(), metrics, clock);
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService terminationScheduler() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("twopc-termination").factory());
    }
}
