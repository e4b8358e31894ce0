package dev.quorumcommit.twopc.coordinator;

import java.util.List;

import dev.quorumcommit.twopc.Decision;

/**
 * What the caller of a transaction learns in time: the decision (null when it could not be
 * written or read: the transaction is in doubt and recovery will finish it), the reasons of
 * every NO vote, and whether every participant has already acknowledged.
 */
public record Outcome(String txId, Decision decision, List<String> reasons, boolean allAcknowledged) {

    public Outcome {
        reasons = List.copyOf(reasons);
    }

    public boolean pending() {
        return decision == null;
    }
}
