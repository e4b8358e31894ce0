package dev.quorumcommit.consensus.raft;

/**
 * A linearizable read may be served once the local state machine has applied {@code index}
 * (ReadIndex, Raft thesis 6.4).
 */
public record ReadState(long requestId, long index) {
}
