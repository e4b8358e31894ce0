package dev.quorumcommit.order.transaction;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.TwoPcMetrics;
import dev.quorumcommit.twopc.coordinator.Coordinator;
import dev.quorumcommit.twopc.coordinator.CoordinatorRecovery;
import dev.quorumcommit.twopc.coordinator.DecisionDelivery;
import dev.quorumcommit.twopc.coordinator.ParticipantChannel;
import dev.quorumcommit.twopc.coordinator.Preparation;
import dev.quorumcommit.twopc.local.GroupCommit;

/** The coordinator from the twopc library, wired to the JPA log, the participants' channels and Resilience4j's instances. */
@Configuration(proxyBeanMethods = false)
class CoordinatorConfiguration {

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService twopcExecutor() {
        // Prepares and deliveries mostly wait on the network: virtual threads cost nothing while they wait.
        return Executors.newVirtualThreadPerTaskExecutor();
    }

    /**
     * The local commits of the orders being placed: each order's record-and-prepare, decide-and-confirm and
     * acknowledgement, grouped with those of the other orders in flight (up to the bulkhead's 32 at once).
     */
    @Bean(destroyMethod = "close")
    GroupCommit groupCommit(TransactionTemplate local, EntityManager entities) {
        return GroupCommit.forJpa("orders", local, entities, 64);
    }

    /** Runs the recovery passes, one at a time. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService twopcScheduler() {
        return Executors.newScheduledThreadPool(1, Thread.ofPlatform().name("twopc-scheduler").daemon().factory());
    }

    /**
     * Fires the prepare time limits, and nothing else: on the recovery's thread they waited behind a recovery
     * pass (seconds of consensus retries while the leader is lost), so a frozen inventory held orders for its
     * read timeout instead of the prepare limit.
     */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService prepareTimeouts() {
        return Executors.newScheduledThreadPool(1, Thread.ofPlatform().name("twopc-prepare-timeouts").daemon().factory());
    }

    @Bean
    TwoPcMetrics coordinatorMetrics(MeterRegistry registry, JpaTransactionLog log) {
        TwoPcMetrics metrics = new TwoPcMetrics(registry, "coordinator");
        metrics.inDoubt(log::countUndecided);
        return metrics;
    }

    @Bean
    DecisionDelivery decisionDelivery(JpaTransactionLog log, List<ParticipantChannel> channels, RetryRegistry retries,
            @Qualifier("twopcExecutor") ExecutorService twopcExecutor) {
        return new DecisionDelivery(log,
                channels.stream().collect(Collectors.toMap(ParticipantChannel::name, Function.identity())),
                retries.retry("phase-two"), twopcExecutor);
    }

    @Bean
    Coordinator coordinator(JpaTransactionLog log, DecisionRegister register, DecisionDelivery delivery,
            TimeLimiterRegistry limiters, @Qualifier("prepareTimeouts") ScheduledExecutorService prepareTimeouts,
            @Qualifier("twopcExecutor") ExecutorService twopcExecutor,
            TwoPcMetrics coordinatorMetrics, CoordinatorProperties properties, Clock clock, Chaos chaos) {
        Preparation preparation = new Preparation(limiters.timeLimiter("prepare"), prepareTimeouts, twopcExecutor);
        return new Coordinator(log, chaos.coordinatorRegister(register), preparation, delivery, coordinatorMetrics, clock,
                properties.acknowledgementWait());
    }

    @Bean
    CoordinatorRecovery coordinatorRecovery(JpaTransactionLog log, DecisionRegister register, DecisionDelivery delivery,
            Coordinator coordinator, TwoPcMetrics coordinatorMetrics, Clock clock) {
        return new CoordinatorRecovery(log, register, delivery, coordinator, coordinatorMetrics, clock);
    }
}
