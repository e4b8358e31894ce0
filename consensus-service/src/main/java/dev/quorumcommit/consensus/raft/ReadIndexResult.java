package dev.quorumcommit.consensus.raft;

/** The answer to {@link RaftNode#readIndex(long)}. */
public sealed interface ReadIndexResult permits ReadIndexResult.Queued, NotLeader {

    /** A {@link ReadState} with this request id will come out of a later {@link Ready}, unless leadership is lost first. */
    record Queued(long requestId) implements ReadIndexResult {
    }
}
