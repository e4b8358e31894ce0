package dev.quorumcommit.order.transaction;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * twopc.coordinator.acknowledgement-wait: how long POST /api/orders waits for the remote participants'
 * phase two before answering (the order participant's is done before answering in any case, so the
 * order's status is final once its decision stands; 0 answers at once). recovery-interval: how often
 * unfinished transactions are picked up again. decision-retention: how long a decision stays in consensus-service
 * after it was taken, before {@link FinishedDecisions} deletes it (once its transaction has finished). The prepare time limit is Resilience4j's
 * {@code resilience4j.timelimiter.instances.prepare}.
 */
@Validated
@ConfigurationProperties("twopc.coordinator")
record CoordinatorProperties(@NotNull @DefaultValue("0s") Duration acknowledgementWait,
        @NotNull @DefaultValue("5s") Duration recoveryInterval,
        @NotNull @DefaultValue("2m") Duration decisionRetention) {
}
