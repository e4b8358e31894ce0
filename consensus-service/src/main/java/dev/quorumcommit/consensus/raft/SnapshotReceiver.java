package dev.quorumcommit.consensus.raft;

import java.io.ByteArrayOutputStream;

/**
 * A follower's buffer for a snapshot arriving in chunks. Chunks must come in order: a chunk at the
 * wrong offset is ignored and the answer says where to go on from ({@link #nextOffset}), so lost,
 * duplicated and reordered chunks cost a resend and never corrupt the result.
 *
 * <p>The chunks are gathered in a buffer that doubles as it fills: growing an array by exactly each chunk copied
 * everything received so far once a chunk, so a snapshot of n chunks cost n²/2 chunks of copying (465 MB for one of
 * 30 MB in 1 MB chunks) and a fresh array larger than G1's regions every time.
 */
final class SnapshotReceiver {

    private SnapshotMetadata metadata;
    private ByteArrayOutputStream received = new ByteArrayOutputStream();

    /** Takes one chunk; returns the whole snapshot when this chunk completed it, else null. */
    Snapshot accept(Message.InstallSnapshot chunk) {
        if (chunk.offset() == 0) {
            metadata = chunk.metadata();
            received = new ByteArrayOutputStream();
        } else if (!chunk.metadata().equals(metadata) || chunk.offset() != received.size()) {
            return null;
        }
        received.writeBytes(chunk.data());
        if (!chunk.done()) {
            return null;
        }
        Snapshot complete = new Snapshot(metadata, received.toByteArray());
        metadata = null;
        received = new ByteArrayOutputStream();
        return complete;
    }

    /** How many bytes of the snapshot named by {@code wanted} this node holds. */
    long nextOffset(SnapshotMetadata wanted) {
        return wanted.equals(metadata) ? received.size() : 0;
    }
}
