package dev.quorumcommit.consensus.statemachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole {@link State} as bytes, in the same style as {@link CommandCodec}: a magic number and a
 * version, the indexes, the retained log, the key-value map (sorted by key, so two replicas with
 * the same state write the same bytes), and the idempotency table in its original order, because
 * that order is the order in which keys expire.
 */
final class SnapshotCodec {

    private static final int MAGIC = 0x51435331; // "QCS1"

    static byte[] write(State state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeLong(state.lastApplied);
            out.writeLong(state.lastAppliedTerm);
            out.writeLong(state.firstIndex);
            out.writeLong(state.idempotency.clockMillis());
            List<LogRecord> records = state.log.from(state.firstIndex, Integer.MAX_VALUE);
            out.writeInt(records.size());
            for (LogRecord record : records) {
                out.writeLong(record.index());
                out.writeLong(record.term());
                Wire.writeText(out, record.payload());
            }
            out.writeInt(state.kv.size());
            for (KvEntry entry : new TreeMap<>(state.kv).values()) {
                writeEntry(out, entry);
            }
            out.writeInt(state.idempotency.size());
            for (Map.Entry<String, IdempotencyTable.Remembered> remembered : state.idempotency.oldestFirst()) {
                out.writeUTF(remembered.getKey());
                out.writeLong(remembered.getValue().proposedAtMillis());
                ResultCodec.write(out, remembered.getValue().answer());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
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
                remembered.put(key, new IdempotencyTable.Remembered(ResultCodec.read(in), proposedAt));
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
