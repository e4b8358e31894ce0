package dev.quorumcommit.consensus.statemachine;

import java.util.HashMap;
import java.util.Map;

/**
 * Everything the state machine holds, without any locking: {@link ReplicatedStateMachine} owns one
 * and guards it; {@link SnapshotCodec} writes and reads one whole.
 */
final class State {

    final Map<String, KvEntry> kv = new HashMap<>();
    final RetainedLog log = new RetainedLog();
    final IdempotencyTable idempotency;
    long lastApplied;
    long lastAppliedTerm;
    /** The lowest log index still readable; below it the log was compacted away. */
    long firstIndex = 1;

    State(StateMachineSettings settings) {
        this.idempotency = new IdempotencyTable(settings.idempotencyRetention().toMillis(), settings.idempotencyMaxKeys());
    }

    /** Makes indexes below {@code index} unreadable, but never beyond what was applied. */
    void compactBefore(long index) {
        long newFirst = Math.min(index, lastApplied + 1);
        if (newFirst > firstIndex) {
            firstIndex = newFirst;
            log.dropBefore(newFirst);
        }
    }
}
