package dev.quorumcommit.consensus.statemachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** An {@link ApplyResult} as bytes: the idempotency table keeps first answers, and snapshots carry them. */
final class ResultCodec {

    static byte[] encode(ApplyResult result) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, result);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** What {@link #encode} made; anything else is a bug, not input. */
    static ApplyResult decode(byte[] encoded) {
        try {
            return read(new DataInputStream(new ByteArrayInputStream(encoded)));
        } catch (IOException e) {
            throw new IllegalStateException("a remembered answer that does not decode: " + e, e);
        }
    }

    static void write(DataOutputStream out, ApplyResult result) throws IOException {
        switch (result) {
            case ApplyResult.LogAppended r -> {
                out.writeByte(1);
                out.writeLong(r.index());
                out.writeLong(r.term());
            }
            case ApplyResult.KvWritten r -> {
                out.writeByte(2);
                SnapshotCodec.writeEntry(out, r.entry());
            }
            case ApplyResult.KvConflict r -> {
                out.writeByte(3);
                out.writeUTF(r.key());
                out.writeBoolean(r.current() != null);
                if (r.current() != null) {
                    SnapshotCodec.writeEntry(out, r.current());
                }
            }
            case ApplyResult.Deleted r -> {
                out.writeByte(4);
                out.writeUTF(r.key());
                out.writeLong(r.revision());
            }
            case ApplyResult.NotFound r -> {
                out.writeByte(5);
                out.writeUTF(r.key());
            }
            case ApplyResult.KvBatchApplied r -> {
                out.writeByte(8);
                out.writeInt(r.results().size());
                for (ApplyResult each : r.results()) {
                    write(out, each);
                }
            }
            case ApplyResult.DuplicateOf r -> write(out, r.first()); // a first answer is never a duplicate
            case ApplyResult.NoOp r -> {
                out.writeByte(6);
                out.writeLong(r.index());
            }
            case ApplyResult.Rejected r -> {
                out.writeByte(7);
                out.writeLong(r.index());
                out.writeUTF(r.reason());
            }
        }
    }

    static ApplyResult read(DataInputStream in) throws IOException {
        int kind = in.readUnsignedByte();
        return switch (kind) {
            case 1 -> new ApplyResult.LogAppended(in.readLong(), in.readLong());
            case 2 -> new ApplyResult.KvWritten(SnapshotCodec.readEntry(in));
            case 3 -> new ApplyResult.KvConflict(in.readUTF(), in.readBoolean() ? SnapshotCodec.readEntry(in) : null);
            case 4 -> new ApplyResult.Deleted(in.readUTF(), in.readLong());
            case 5 -> new ApplyResult.NotFound(in.readUTF());
            case 6 -> new ApplyResult.NoOp(in.readLong());
            case 7 -> new ApplyResult.Rejected(in.readLong(), in.readUTF());
            case 8 -> {
                int count = in.readInt();
                if (count < 1 || count > in.available()) {
                    throw new IOException("a batch answer of " + count + " results");
                }
                List<ApplyResult> results = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    results.add(read(in));
                }
                yield new ApplyResult.KvBatchApplied(results);
            }
            default -> throw new IOException("unknown answer kind " + kind);
        };
    }

    private ResultCodec() {
    }
}
