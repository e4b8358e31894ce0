package dev.quorumcommit.consensus.statemachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a {@link Command} inside a log entry.
 *
 * <p>Why a small binary format and not JSON: the payloads and values are already JSON text, up to
 * 1 MiB. Nesting them inside a JSON envelope would either escape them as strings (larger, slower) or
 * parse them into a tree (which can re-interpret numbers and break the exact round trip). Here they
 * are length-prefixed UTF-8 bytes copied as they are; the rest is a kind byte, fixed-width numbers
 * and short strings. Every entry starts with a format version, so a later version can still read
 * the entries an older one wrote to disk.
 *
 * <pre>
 * version:u8=1  kind:u8 (1 append, 2 put, 3 delete, 4 put batch, 5 delete batch)  proposedAtMillis:i64  idempotencyKey:optUtf
 * append: payload:bytes     put: key:utf value:bytes expectedRevision:optI64 ifAbsent:bool
 * delete: key:utf expectedRevision:optI64
 * put batch: count:i32, then count times: key:utf value:bytes expectedRevision:optI64 ifAbsent:bool
 * delete batch: count:i32, then count times: key:utf
 * </pre>
 */
public final class CommandCodec {

    static final int VERSION = 1;
    private static final int APPEND = 1;
    private static final int PUT = 2;
    private static final int DELETE = 3;
    private static final int PUT_BATCH = 4;
    private static final int DELETE_BATCH = 5;

    /** Where {@code proposedAtMillis} sits: after the version and the kind. */
    private static final int STAMP_OFFSET = 2;

    private CommandCodec() {
    }

    /**
     * What a retry repeats: the command as the client sent it, without the leader's stamp, read off the entry's own
     * bytes (its stamp read as zeros) rather than encoded again on every replica. Under one idempotency key, a command
     * with another fingerprint is another request: answered as the first all the same (the key alone names the
     * request), but told apart, so that the node can say the client reused its key. FNV-1a: the same on every
     * replica, and 64 bits, so that two different requests share one only by a chance no client meets.
     */
    static long fingerprint(byte[] encoded) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < encoded.length; i++) {
            boolean stamp = i >= STAMP_OFFSET && i < STAMP_OFFSET + Long.BYTES;
            hash = (hash ^ (stamp ? 0 : encoded[i] & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }

    public static byte[] encode(Command command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(switch (command) {
                case Command.AppendLog a -> APPEND;
                case Command.Put p -> PUT;
                case Command.Delete d -> DELETE;
                case Command.PutBatch b -> PUT_BATCH;
                case Command.DeleteBatch b -> DELETE_BATCH;
            });
            out.writeLong(command.proposedAtMillis());
            Wire.writeOptionalUtf(out, command.idempotencyKey());
            switch (command) {
                case Command.AppendLog a -> Wire.writeText(out, a.payload());
                case Command.Put p -> writePut(out, p);
                case Command.Delete d -> {
                    out.writeUTF(d.key());
                    Wire.writeOptionalLong(out, d.expectedRevision());
                }
                case Command.PutBatch b -> {
                    out.writeInt(b.puts().size());
                    for (Command.Put p : b.puts()) {
                        writePut(out, p);
                    }
                }
                case Command.DeleteBatch b -> {
                    out.writeInt(b.keys().size());
                    for (String key : b.keys()) {
                        out.writeUTF(key);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not a command of a known version */
    public static Command decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown command format version " + version);
            }
            int kind = in.readUnsignedByte();
            long proposedAt = in.readLong();
            String idempotencyKey = Wire.readOptionalUtf(in);
            Command command = switch (kind) {
                case APPEND -> new Command.AppendLog(Wire.readText(in), idempotencyKey, proposedAt);
                case PUT -> readPut(in, idempotencyKey, proposedAt);
                case DELETE -> new Command.Delete(in.readUTF(), Wire.readOptionalLong(in), idempotencyKey, proposedAt);
                case PUT_BATCH -> readBatch(in, idempotencyKey, proposedAt);
                case DELETE_BATCH -> readDeleteBatch(in, idempotencyKey, proposedAt);
                default -> throw new IllegalArgumentException("unknown command kind " + kind);
            };
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " unexpected bytes after the command");
            }
            return command;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated command: " + e, e);
        }
    }

    private static void writePut(DataOutputStream out, Command.Put put) throws IOException {
        out.writeUTF(put.key());
        Wire.writeText(out, put.value());
        Wire.writeOptionalLong(out, put.expectedRevision());
        out.writeBoolean(put.ifAbsent());
    }

    private static Command.Put readPut(DataInputStream in, String idempotencyKey, long proposedAt) throws IOException {
        return new Command.Put(in.readUTF(), Wire.readText(in), Wire.readOptionalLong(in), in.readBoolean(),
                idempotencyKey, proposedAt);
    }

    private static Command.PutBatch readBatch(DataInputStream in, String idempotencyKey, long proposedAt)
            throws IOException {
        int count = in.readInt();
        if (count < 1 || count > in.available()) { // every put takes more than one byte: a bad count, not a huge list
            throw new IllegalArgumentException("a put batch of " + count + " puts");
        }
        List<Command.Put> puts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            puts.add(readPut(in, null, proposedAt));
        }
        return new Command.PutBatch(puts, idempotencyKey, proposedAt);
    }

    private static Command.DeleteBatch readDeleteBatch(DataInputStream in, String idempotencyKey, long proposedAt)
            throws IOException {
        int count = in.readInt();
        if (count < 1 || count > in.available()) { // every key takes more than one byte: a bad count, not a huge list
            throw new IllegalArgumentException("a delete batch of " + count + " keys");
        }
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(in.readUTF());
        }
        return new Command.DeleteBatch(keys, idempotencyKey, proposedAt);
    }
}
