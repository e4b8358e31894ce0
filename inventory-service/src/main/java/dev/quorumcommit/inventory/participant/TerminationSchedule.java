package dev.quorumcommit.inventory.participant;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.quorumcommit.twopc.participant.ParticipantTermination;

/** Resolves prepared transactions once the service is up (recovery after a crash) and then every resolve-interval. */
@Component
class TerminationSchedule {

    private static final Logger log = LoggerFactory.getLogger(TerminationSchedule.class);

    private final ParticipantTermination termination;
    private final ScheduledExecutorService scheduler;
    private final ParticipantProperties properties;

    TerminationSchedule(ParticipantTermination termination, ScheduledExecutorService terminationScheduler,
            ParticipantProperties properties) {
        this.termination = termination;
        this.scheduler = terminationScheduler;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        long period = properties.resolveInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::resolve, 0, period, TimeUnit.MILLISECONDS);
    }

    private void resolve() {
        try {
            int resolved = termination.resolve();
            if (resolved > 0) {
                log.info("resolved {} prepared transaction(s) through their decision keys", resolved);
            }
        } catch (RuntimeException e) {
            log.warn("termination pass failed, next one in {}: {}", properties.resolveInterval(), e.toString());
        }
    }
}
