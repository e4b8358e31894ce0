package dev.quorumcommit.consensus.statemachine;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole {@link State} as bytes, in the same style as {@link CommandCodec}: a magic number and a
 * version, the indexes, the retained log, the key-value map (sorted by key, so two replicas with
 * the same state write the same bytes), and the idempotency table in its original order, because
 * that order is the order in which keys expire.
 */
final class SnapshotCodec {

    private static final int MAGIC = 0x51435331; // "QCS1"

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

        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(bytes, 64 * 1024))) {
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
                KvEntry[] sorted = kv.clone();
                Arrays.sort(sorted, Comparator.comparing(KvEntry::key));
                out.writeInt(sorted.length);
                for (KvEntry entry : sorted) {
                    writeEntry(out, entry);
                }
                out.writeInt(idempotency.size());
                for (Map.Entry<String, IdempotencyTable.Remembered> remembered : idempotency) {
                    out.writeUTF(remembered.getKey());
                    out.writeLong(remembered.getValue().proposedAtMillis());
                    out.write(remembered.getValue().answer()); // ResultCodec's bytes, as written
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /** @throws IllegalArgumentException when the bytes are not a snapshot this version wrote */
    static State read(byte[] data, StateMachineSettings settings) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
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
            for (int n = in.readInt(); n > 0; n--) {
                String key = in.readUTF();
                long proposedAt = in.readLong();
                remembered.put(key, new IdempotencyTable.Remembered(ResultCodec.encode(ResultCodec.read(in)), proposedAt));
            }
            state.idempotency.restore(clock, remembered);
            return state;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt state machine snapshot: " + e, e);
        }
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
