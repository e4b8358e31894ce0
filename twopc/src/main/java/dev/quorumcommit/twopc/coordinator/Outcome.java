package dev.quorumcommit.twopc.coordinator;

import java.util.List;

import dev.quorumcommit.twopc.Decision;

/**
 * What the caller of a transaction learns in time: the decision (null when it could not be
 * written or read: the transaction is in doubt and recovery will finish it), the reasons of
 * every NO vote, whether the {@link Branch#local local} participants applied the decision before
 * the answer (so what they keep shows it already, and the caller need not read it back), and
 * whether every participant has already acknowledged.
 */
public record Outcome(String txId, Decision decision, List<String> reasons, boolean appliedLocally,
        boolean allAcknowledged) {

    public Outcome {
        reasons = List.copyOf(reasons);
    }

    public boolean pending() {
        return decision == null;
    }
}
