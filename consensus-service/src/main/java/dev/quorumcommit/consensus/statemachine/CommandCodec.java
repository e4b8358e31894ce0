package dev.quorumcommit.consensus.statemachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

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
 * version:u8=1  kind:u8 (1 append, 2 put, 3 delete)  proposedAtMillis:i64  idempotencyKey:optUtf
 * append: payload:bytes     put: key:utf value:bytes expectedRevision:optI64 ifAbsent:bool
 * delete: key:utf expectedRevision:optI64
 * </pre>
 */
public final class CommandCodec {

    static final int VERSION = 1;
    private static final int APPEND = 1;
    private static final int PUT = 2;
    private static final int DELETE = 3;

    private CommandCodec() {
    }

    public static byte[] encode(Command command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(switch (command) {
                case Command.AppendLog a -> APPEND;
                case Command.Put p -> PUT;
                case Command.Delete d -> DELETE;
            });
            out.writeLong(command.proposedAtMillis());
            Wire.writeOptionalUtf(out, command.idempotencyKey());
            switch (command) {
                case Command.AppendLog a -> Wire.writeText(out, a.payload());
                case Command.Put p -> {
                    out.writeUTF(p.key());
                    Wire.writeText(out, p.value());
                    Wire.writeOptionalLong(out, p.expectedRevision());
                    out.writeBoolean(p.ifAbsent());
                }
                case Command.Delete d -> {
                    out.writeUTF(d.key());
                    Wire.writeOptionalLong(out, d.expectedRevision());
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
                case PUT -> new Command.Put(in.readUTF(), Wire.readText(in), Wire.readOptionalLong(in), in.readBoolean(),
                        idempotencyKey, proposedAt);
                case DELETE -> new Command.Delete(in.readUTF(), Wire.readOptionalLong(in), idempotencyKey, proposedAt);
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
}
