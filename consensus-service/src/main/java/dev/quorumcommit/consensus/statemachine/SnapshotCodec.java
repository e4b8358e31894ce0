package dev.quorumcommit.consensus.statemachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * A whole {@link State} as bytes, in the same style as {@link CommandCodec}: a magic number and a
 * version, the indexes, the retained log, the key-value map (sorted by key, so two replicas with
 * the same state write the same bytes), and the idempotency table in its original order, because
 * that order is the order in which keys expire.
 *
 * <p>Version 2 writes each remembered answer as the table keeps it ({@link StoredAnswer}, length first); version 1
 * wrote it plain. Version 3 is version 2's layout whose answers may carry their request's fingerprint (a marker a
 * version 2 node cannot load): its own number, so that an older node refuses such a snapshot when it installs it,
 * rather than take it and stop at the first retry of a key in it. All three are read, so that a node upgraded over
 * its old data directory starts.
 */
final class SnapshotCodec {

    private static final int MAGIC_V1 = 0x51435331; // "QCS1"
    private static final int MAGIC_V2 = 0x51435332; // "QCS2"
    private static final int MAGIC = 0x51435333; // "QCS3"

    /**
     * The state as of now, copied shallowly: its maps' entries and the log's records are immutable, so
     * copying the references (a few milliseconds for a hundred thousand keys) is enough to encode it later,
     * on another thread, while the state goes on changing. Encoding took half a second for 12 MB on a busy
     * machine, which stalled every commit when it ran on the Raft loop.
     */
    static Frozen freeze(State state) {
        return new Frozen(state.lastApplied, state.lastAppliedTerm, state.firstIndex, state.idempotency.clockMillis(),
                state.log.from(state.firstIndex, Integer.MAX_VALUE), state.kv.values().toArray(KvEntry[]::new),
                state.idempotency.copyOldestFirst());
    }

    /** What {@link #freeze} copied; {@link #encode} writes it. */
    record Frozen(long lastApplied, long lastAppliedTerm, long firstIndex, long idempotencyClock,
            List<LogRecord> records, KvEntry[] kv, List<Map.Entry<String, IdempotencyTable.Remembered>> idempotency) {

        /**
         * Into an array of exactly the snapshot's size, counted by a first pass: a growing buffer held up to twice
         * the snapshot and then copied it, and with the copy the node keeps of its last snapshot that was three
         * times a snapshot's size at once, which is what ran 256 MB nodes out of heap at 1,200 orders a second.
         */
        byte[] encode() {
            Arrays.sort(kv, Comparator.comparing(KvEntry::key)); // the array is this copy's own (freeze made it)
            DataOutputStream counter = new DataOutputStream(OutputStream.nullOutputStream());
            writeTo(counter);
            ExactBytes bytes = new ExactBytes(counter.size());
            writeTo(new DataOutputStream(bytes));
            return bytes.filled();
        }

        private void writeTo(DataOutputStream out) {
            try {
                out.writeInt(MAGIC);
                out.writeLong(lastApplied);
                out.writeLong(lastAppliedTerm);
                out.writeLong(firstIndex);
                out.writeLong(idempotencyClock);
                out.writeInt(records.size());
                for (LogRecord record : records) {
                    out.writeLong(record.index());
                    out.writeLong(record.term());
                    Wire.writeText(out, record.payload());
                }
                out.writeInt(kv.length);
                for (KvEntry entry : kv) {
                    writeEntry(out, entry);
                }
                out.writeInt(idempotency.size());
                for (Map.Entry<String, IdempotencyTable.Remembered> remembered : idempotency) {
                    out.writeUTF(remembered.getKey());
                    out.writeLong(remembered.getValue().proposedAtMillis());
                    byte[] answer = remembered.getValue().answer();
                    out.writeInt(answer.length);
                    out.write(answer);
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A ByteArrayOutputStream sized exactly, whose array is handed over as it is rather than copied. */
    private static final class ExactBytes extends ByteArrayOutputStream {

        ExactBytes(int size) {
            super(size);
        }

        byte[] filled() {
            if (count != buf.length) {
                throw new IllegalStateException("a snapshot counted " + buf.length + " bytes but wrote " + count);
            }
            return buf;
        }
    }

    /** @throws IllegalArgumentException when the bytes are not a snapshot this version wrote */
    static State read(byte[] data, StateMachineSettings settings) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_V2 && magic != MAGIC_V1) {
                throw new IllegalArgumentException("not a state machine snapshot (bad magic number)");
            }
            State state = new State(settings);
            state.lastApplied = in.readLong();
            state.lastAppliedTerm = in.readLong();
            state.firstIndex = in.readLong();
            long clock = in.readLong();
            for (int n = in.readInt(); n > 0; n--) {
                state.log.append(in.readLong(), in.readLong(), Wire.readText(in));
            }
            for (int n = in.readInt(); n > 0; n--) {
                KvEntry entry = readEntry(in);
                state.kv.put(entry.key(), entry);
            }
            Map<String, IdempotencyTable.Remembered> remembered = new LinkedHashMap<>();
            Deflater deflater = magic == MAGIC_V1 ? StoredAnswer.newDeflater() : null;
            try {
                for (int n = in.readInt(); n > 0; n--) {
                    String key = in.readUTF();
                    long proposedAt = in.readLong();
                    byte[] answer = deflater != null ? StoredAnswer.storeWithoutFingerprint(ResultCodec.read(in), deflater) : readStored(in);
                    remembered.put(key, new IdempotencyTable.Remembered(answer, proposedAt));
                }
            } finally {
                if (deflater != null) {
                    deflater.end();
                }
            }
            state.idempotency.restore(clock, remembered);
            return state;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt state machine snapshot: " + e, e);
        }
    }

    private static byte[] readStored(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 1 || length > in.available()) {
            throw new IOException("a remembered answer of " + length + " bytes");
        }
        byte[] stored = new byte[length];
        in.readFully(stored);
        return stored;
    }

    static void writeEntry(DataOutputStream out, KvEntry entry) throws IOException {
        out.writeUTF(entry.key());
        Wire.writeText(out, entry.value());
        out.writeLong(entry.revision());
    }

    static KvEntry readEntry(DataInputStream in) throws IOException {
        return new KvEntry(in.readUTF(), Wire.readText(in), in.readLong());
    }

    private SnapshotCodec() {
    }
}
