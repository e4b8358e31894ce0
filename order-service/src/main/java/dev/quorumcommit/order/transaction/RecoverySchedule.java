package dev.quorumcommit.order.transaction;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

import dev.quorumcommit.twopc.coordinator.CoordinatorRecovery;

/**
 * Once the service is up, and then every recovery-interval: the coordinator finishes its
 * unfinished transactions, and every {@link Recoverable} (the order participant) resolves its own; then the
 * decisions of transactions finished long enough ago are forgotten ({@link FinishedDecisions}).
 */
@Component
class RecoverySchedule {

    private static final Logger log = LoggerFactory.getLogger(RecoverySchedule.class);

    private final CoordinatorRecovery coordinator;
    private final List<Recoverable> others;
    private final ScheduledExecutorService scheduler;
    private final CoordinatorProperties properties;
    private final FinishedDecisions finishedDecisions;

    RecoverySchedule(CoordinatorRecovery coordinator, List<Recoverable> others,
            @Qualifier("twopcScheduler") ScheduledExecutorService twopcScheduler,
            CoordinatorProperties properties, FinishedDecisions finishedDecisions) {
        this.coordinator = coordinator;
        this.others = others;
        this.finishedDecisions = finishedDecisions;
        this.scheduler = twopcScheduler;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::pass, 0, properties.recoveryInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Each part on its own: one that fails (a lost quorum, a lock timeout) does not keep the others from running. */
    void pass() {
        int finished = attempt("the coordinator's", coordinator::recover);
        for (Recoverable other : others) {
            finished += attempt(ClassUtils.getUserClass(other).getSimpleName() + "'s", other::recover);
        }
        if (finished > 0) {
            log.info("recovery finished {} transaction(s)", finished);
        }
        attempt("FinishedDecisions'", finishedDecisions::forget);
    }

    private int attempt(String whose, IntSupplier recovery) {
        try {
            return recovery.getAsInt();
        } catch (RuntimeException e) {
            log.warn("{} recovery pass failed, next one in {}: {}", whose, properties.recoveryInterval(), e.toString());
            return 0;
        }
    }
}
