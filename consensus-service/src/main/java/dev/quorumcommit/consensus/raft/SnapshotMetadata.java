package dev.quorumcommit.consensus.raft;

/** The last log entry a snapshot includes: the log before and at it may be discarded (Raft paper, section 7). */
public record SnapshotMetadata(long lastIncludedIndex, long lastIncludedTerm) {

    public static final SnapshotMetadata EMPTY = new SnapshotMetadata(0, 0);
}
