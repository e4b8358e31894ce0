package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One log record: {@code int payloadLength, int crc32c(payload), payload}, where the payload is
 * {@code long index, long term, byte kind, command bytes}. Big-endian.
 *
 * <p>The length comes first so that a reader can tell a record cut short by a crash (fewer bytes left than it
 * announces) from a damaged one (the checksum disagrees). Not thread-safe: it reuses one checksum.
 */
final class RecordCodec {

    static final int HEADER_BYTES = Integer.BYTES * 2;
    static final int MIN_PAYLOAD_BYTES = Long.BYTES * 2 + 1;
    /** Bounds what a damaged length field can make a reader believe, and keeps segment offsets within an int. */
    static final int MAX_COMMAND_BYTES = 256 * 1024 * 1024;

    private static final byte COMMAND = 1;
    private static final byte NOOP = 2;

    private final CRC32C crc = new CRC32C();

    /** What reading one record found. */
    sealed interface Decoded {
        record Valid(Entry entry, int recordBytes) implements Decoded {
        }

        record Invalid(String reason) implements Decoded {
        }
    }

    static int recordBytes(Entry entry) {
        return HEADER_BYTES + MIN_PAYLOAD_BYTES + entry.command().length;
    }

    static void checkEncodable(Entry entry) {
        if (entry.command().length > MAX_COMMAND_BYTES) {
            throw new IllegalArgumentException("entry " + entry.index() + " has a " + entry.command().length
                    + "-byte command; at most " + MAX_COMMAND_BYTES + " bytes are stored");
        }
    }

    /** Writes the record at {@code out}'s position; the caller made room for {@link #recordBytes}. */
    void encode(Entry entry, ByteBuffer out) {
        int start = out.position();
        int payloadBytes = MIN_PAYLOAD_BYTES + entry.command().length;
        out.putInt(payloadBytes)
                .putInt(0)
                .putLong(entry.index())
                .putLong(entry.term())
                .put(entry.kind() == Entry.Kind.NOOP ? NOOP : COMMAND)
                .put(entry.command());
        out.putInt(start + Integer.BYTES, checksum(out, start + HEADER_BYTES, payloadBytes));
    }

    /** Reads the record at {@code position}; {@code limit} is where the readable bytes end. */
    Decoded decode(ByteBuffer in, int position, int limit) {
        int available = limit - position;
        if (available < HEADER_BYTES) {
            return new Decoded.Invalid("record header cut short (" + available + " of " + HEADER_BYTES + " bytes)");
        }
        int payloadBytes = in.getInt(position);
        if (payloadBytes < MIN_PAYLOAD_BYTES || payloadBytes > MIN_PAYLOAD_BYTES + MAX_COMMAND_BYTES) {
            return new Decoded.Invalid("impossible record length " + payloadBytes);
        }
        if (available - HEADER_BYTES < payloadBytes) {
            return new Decoded.Invalid("record payload cut short (" + (available - HEADER_BYTES) + " of " + payloadBytes + " bytes)");
        }
        int payload = position + HEADER_BYTES;
        if (checksum(in, payload, payloadBytes) != in.getInt(position + Integer.BYTES)) {
            return new Decoded.Invalid("checksum mismatch");
        }
        long index = in.getLong(payload);
        long term = in.getLong(payload + Long.BYTES);
        byte kind = in.get(payload + Long.BYTES * 2);
        if ((kind != COMMAND && kind != NOOP) || index < 1 || term < 1) {
            return new Decoded.Invalid("checksum matches but the content is impossible (index " + index + ", term " + term + ", kind " + kind + ")");
        }
        byte[] command = new byte[payloadBytes - MIN_PAYLOAD_BYTES];
        in.get(payload + MIN_PAYLOAD_BYTES, command);
        Entry entry = new Entry(index, term, kind == NOOP ? Entry.Kind.NOOP : Entry.Kind.COMMAND, command);
        return new Decoded.Valid(entry, HEADER_BYTES + payloadBytes);
    }

    private int checksum(ByteBuffer buffer, int from, int length) {
        crc.reset();
        crc.update(buffer.slice(from, length));
        return (int) crc.getValue();
    }
}
