package dev.quorumcommit.consensus.statemachine;

import java.time.Duration;

/**
 * Limits of the state machine's memory. They take part in every replica's computation, so all
 * members of a cluster must run with the same settings.
 *
 * @param retainedEntries      how many of the latest log indexes stay readable; older log records are dropped
 * @param idempotencyRetention how long (by the leaders' proposal clocks) an idempotency key is remembered
 * @param idempotencyMaxKeys   a memory safety net: beyond it the oldest keys are forgotten early
 */
public record StateMachineSettings(int retainedEntries, Duration idempotencyRetention, int idempotencyMaxKeys) {

    public static final StateMachineSettings DEFAULTS = new StateMachineSettings(10_000, Duration.ofMinutes(10), 200_000);

    public StateMachineSettings {
        if (retainedEntries < 1 || idempotencyMaxKeys < 1 || idempotencyRetention.isNegative()) {
            throw new IllegalArgumentException("state machine limits must be positive: " + retainedEntries + ", "
                    + idempotencyRetention + ", " + idempotencyMaxKeys);
        }
    }
}
