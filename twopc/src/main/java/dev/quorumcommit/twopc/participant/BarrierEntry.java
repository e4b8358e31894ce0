package dev.quorumcommit.twopc.participant;

import java.time.Instant;

/** One row of a participant's barrier table. reason explains an ABORTED row (the NO vote, or an early abort). */
public record BarrierEntry(String txId, BranchState state, String reason, Instant since) {
}
