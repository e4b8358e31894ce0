package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.HardState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The hard state in one file of two alternating slots, each {@code int length, int crc32c, payload} with the payload
 * {@code long sequence, long term, long commitIndex, int votedForLength (-1 for none), votedFor UTF-8}.
 *
 * <p>Why slots and not write-temp-then-rename: the commit index changes with almost every batch, and a rename costs
 * a file fsync plus a directory fsync each time. Here a write overwrites only the older slot, so a torn write
 * leaves the newer one intact, and making it durable is one fdatasync. Slots are a page apart so that one torn
 * page write cannot reach both.
 */
final class HardStateFile implements AutoCloseable {

    static final String FILE_NAME = "hardstate";
    static final int SLOT_BYTES = 4096;
    private static final int MAX_VOTED_FOR_BYTES = 1024;

    private final FileChannel channel;
    private final ByteBuffer slot = ByteBuffer.allocateDirect(SLOT_BYTES);
    private final CRC32C crc = new CRC32C();
    private long sequence;
    private HardState durable;
    private HardState pending;

    private HardStateFile(FileChannel channel, long sequence, HardState durable) {
        this.channel = channel;
        this.sequence = sequence;
        this.durable = durable;
    }

    static HardStateFile open(Path dir) throws IOException {
        Path path = dir.resolve(FILE_NAME);
        boolean created = !Files.exists(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (created) {
                Fsync.directory(dir);
            }
            HardStateFile file = new HardStateFile(channel, 0, HardState.INITIAL);
            file.recover(path);
            return file;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    HardState current() {
        return pending != null ? pending : durable;
    }

    /** Remembers the state; it reaches the disk at the next {@link #sync()}, and only if it differs from what is there. */
    void set(HardState state) {
        byte[] votedFor = state.votedFor() == null ? null : state.votedFor().getBytes(StandardCharsets.UTF_8);
        if (votedFor != null && votedFor.length > MAX_VOTED_FOR_BYTES) {
            throw new IllegalArgumentException("votedFor is " + votedFor.length + " bytes; at most " + MAX_VOTED_FOR_BYTES + " are stored");
        }
        pending = state.equals(durable) ? null : state;
    }

    /** Writes the pending state over the older slot and fdatasyncs it; does nothing if nothing changed. Returns the fsyncs issued. */
    int sync() throws IOException {
        if (pending == null) {
            return 0;
        }
        long next = sequence + 1;
        encode(next, pending);
        long position = (next % 2) * SLOT_BYTES;
        while (slot.hasRemaining()) {
            position += channel.write(slot, position);
        }
        channel.force(false);
        sequence = next;
        durable = pending;
        pending = null;
        return 1;
    }

    private void encode(long sequence, HardState state) {
        byte[] votedFor = state.votedFor() == null ? null : state.votedFor().getBytes(StandardCharsets.UTF_8);
        slot.clear();
        slot.putInt(0).putInt(0).putLong(sequence).putLong(state.term()).putLong(state.commitIndex());
        slot.putInt(votedFor == null ? -1 : votedFor.length);
        if (votedFor != null) {
            slot.put(votedFor);
        }
        int payloadBytes = slot.position() - 8;
        slot.putInt(0, payloadBytes);
        crc.reset();
        crc.update(slot.slice(8, payloadBytes));
        slot.putInt(4, (int) crc.getValue());
        slot.flip();
    }

    private void recover(Path path) throws IOException {
        ByteBuffer whole = ByteBuffer.allocate(SLOT_BYTES * 2);
        while (whole.hasRemaining() && channel.read(whole, whole.position()) > 0) {
            // read until the end of the file or of both slots
        }
        Slot first = decode(whole, 0);
        Slot second = decode(whole, SLOT_BYTES);
        if (first.damaged() && second.damaged()) {
            throw new CorruptStorageException("both slots of " + path + " are damaged; the node's term and vote are unknown, refusing to start");
        }
        // One damaged slot next to an empty one is the torn first write of a fresh node, which no sync confirmed.
        Slot newest = first.sequence() >= second.sequence() ? first : second;
        if (newest.state() != null) {
            sequence = newest.sequence();
            durable = newest.state();
        }
    }

    /** A slot's content: empty (never written), damaged, or a state with its sequence. */
    private record Slot(long sequence, HardState state, boolean damaged) {
        static final Slot EMPTY = new Slot(-1, null, false);
        static final Slot DAMAGED = new Slot(-1, null, true);
    }

    private Slot decode(ByteBuffer whole, int offset) {
        int available = Math.max(0, whole.position() - offset);
        if (available == 0 || isZero(whole, offset, Math.min(available, SLOT_BYTES))) {
            return Slot.EMPTY;
        }
        if (available < 8) {
            return Slot.DAMAGED;
        }
        int payloadBytes = whole.getInt(offset);
        if (payloadBytes < 28 || payloadBytes > SLOT_BYTES - 8 || payloadBytes > available - 8) {
            return Slot.DAMAGED;
        }
        crc.reset();
        crc.update(whole.slice(offset + 8, payloadBytes));
        if ((int) crc.getValue() != whole.getInt(offset + 4)) {
            return Slot.DAMAGED;
        }
        long sequence = whole.getLong(offset + 8);
        long term = whole.getLong(offset + 16);
        long commitIndex = whole.getLong(offset + 24);
        int votedLength = whole.getInt(offset + 32);
        if (votedLength > payloadBytes - 28 || votedLength < -1 || term < 0 || commitIndex < 0) {
            return Slot.DAMAGED;
        }
        String votedFor = null;
        if (votedLength >= 0) {
            byte[] bytes = new byte[votedLength];
            whole.get(offset + 36, bytes);
            votedFor = new String(bytes, StandardCharsets.UTF_8);
        }
        return new Slot(sequence, new HardState(term, votedFor, commitIndex), false);
    }

    private static boolean isZero(ByteBuffer buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
