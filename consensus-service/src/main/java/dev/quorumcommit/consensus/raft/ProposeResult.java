package dev.quorumcommit.consensus.raft;

/** The answer to {@link RaftNode#propose(byte[])}. */
public sealed interface ProposeResult permits ProposeResult.Accepted, NotLeader {

    /** The command sits at {@code index} in {@code term}; it counts only once that entry is committed and applied. */
    record Accepted(long index, long term) implements ProposeResult {
    }
}
