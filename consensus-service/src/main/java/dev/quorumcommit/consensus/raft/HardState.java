package dev.quorumcommit.consensus.raft;

/**
 * What a node must have on disk before it answers anyone: its current term and its vote in that term
 * (Raft paper, figure 2, "persistent state on all servers"), plus the commit index it knows, so that
 * a restarted node can re-apply up to it without waiting for a leader.
 *
 * @param votedFor the candidate voted for in {@code term}, or {@code null}
 */
public record HardState(long term, String votedFor, long commitIndex) {

    public static final HardState INITIAL = new HardState(0, null, 0);

    public HardState {
        if (term < 0 || commitIndex < 0) {
            throw new IllegalArgumentException("term and commit index cannot be negative");
        }
    }
}
