package dev.quorumcommit.consensus.raft;

import java.util.Arrays;

/**
 * A follower's buffer for a snapshot arriving in chunks. Chunks must come in order: a chunk at the
 * wrong offset is ignored and the answer says where to go on from ({@link #nextOffset}), so lost,
 * duplicated and reordered chunks cost a resend and never corrupt the result.
 *
 * <p>The chunks are gathered in an array that doubles as it fills (by hand: the core uses no java.io): growing it by
 * exactly each chunk copied everything received so far once a chunk, so a snapshot of n chunks cost n²/2 chunks of
 * copying (465 MB for one of 30 MB in 1 MB chunks) and a fresh array larger than G1's regions every time.
 */
final class SnapshotReceiver {

    private SnapshotMetadata metadata;
    private byte[] buffer = new byte[0];
    private int received;

    /** Takes one chunk; returns the whole snapshot when this chunk completed it, else null. */
    Snapshot accept(Message.InstallSnapshot chunk) {
        if (chunk.offset() == 0) {
            metadata = chunk.metadata();
            received = 0;
        } else if (!chunk.metadata().equals(metadata) || chunk.offset() != received) {
            return null;
        }
        byte[] data = chunk.data();
        if (buffer.length - received < data.length) {
            buffer = Arrays.copyOf(buffer, Math.max(received + data.length, 2 * buffer.length));
        }
        System.arraycopy(data, 0, buffer, received, data.length);
        received += data.length;
        if (!chunk.done()) {
            return null;
        }
        Snapshot complete = new Snapshot(metadata, buffer.length == received ? buffer : Arrays.copyOf(buffer, received));
        metadata = null;
        buffer = new byte[0];
        received = 0;
        return complete;
    }

    /** How many bytes of the snapshot named by {@code wanted} this node holds. */
    long nextOffset(SnapshotMetadata wanted) {
        return wanted.equals(metadata) ? received : 0;
    }
}
