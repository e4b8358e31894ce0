package dev.quorumcommit.consensus.raft;

import java.util.Arrays;

/**
 * A follower's buffer for a snapshot arriving in chunks. Chunks must come in order: a chunk at the
 * wrong offset is ignored and the answer says where to go on from ({@link #nextOffset}), so lost,
 * duplicated and reordered chunks cost a resend and never corrupt the result.
 */
final class SnapshotReceiver {

    private SnapshotMetadata metadata;
    private byte[] buffer = new byte[0];

    /** Takes one chunk; returns the whole snapshot when this chunk completed it, else null. */
    Snapshot accept(Message.InstallSnapshot chunk) {
        if (chunk.offset() == 0) {
            metadata = chunk.metadata();
            buffer = new byte[0];
        } else if (!chunk.metadata().equals(metadata) || chunk.offset() != buffer.length) {
            return null;
        }
        byte[] grown = Arrays.copyOf(buffer, buffer.length + chunk.data().length);
        System.arraycopy(chunk.data(), 0, grown, buffer.length, chunk.data().length);
        buffer = grown;
        if (!chunk.done()) {
            return null;
        }
        Snapshot complete = new Snapshot(metadata, buffer);
        metadata = null;
        buffer = new byte[0];
        return complete;
    }

    /** How many bytes of the snapshot named by {@code wanted} this node holds. */
    long nextOffset(SnapshotMetadata wanted) {
        return wanted.equals(metadata) ? buffer.length : 0;
    }
}
