package dev.quorumcommit.consensus.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.raft.Snapshot;

class SnapshotAndCompactionTest {

    private static final StateMachineSettings SETTINGS = new StateMachineSettings(10_000, Duration.ofMinutes(10), 1000);

    private static void fill(ReplicatedStateMachine machine, int entries) {
        for (int i = 1; i <= entries; i++) {
            Command command = switch (i % 5) {
                case 4 -> new Command.PutBatch(java.util.List.of(
                        new Command.Put("batch-" + (i % 3), "\"COMMIT\"", null, true, null, i * 1000L),
                        new Command.Put("key-" + (i % 7), "{}", null, false, null, i * 1000L)), "batch-" + i, i * 1000L);
                case 0 -> new Command.AppendLog("{\"n\":" + i + ",\"big\":123456789012345678901234567890.10}", "log-" + i, i * 1000L);
                case 1 -> new Command.Put("key-" + (i % 7), "[" + i + "]", null, false, "put-" + i, i * 1000L);
                case 2 -> new Command.Delete("key-" + (i % 5), null, null, i * 1000L);
                default -> new Command.Put("key-" + (i % 3), "\"é\"", (long) i - 1, false, null, i * 1000L);
            };
            machine.apply(new Entry(i, 1 + i / 10, Entry.Kind.COMMAND, CommandCodec.encode(command)));
        }
    }

    @Test
    void aRestoredSnapshotIsTheSameStateAndAnswersTheSame() {
        ReplicatedStateMachine original = new ReplicatedStateMachine(SETTINGS);
        fill(original, 200);
        original.compactLogBefore(50);
        Snapshot snapshot = original.snapshot();
        assertThat(snapshot.metadata().lastIncludedIndex()).isEqualTo(200);
        assertThat(snapshot.metadata().lastIncludedTerm()).isEqualTo(21);

        ReplicatedStateMachine copy = new ReplicatedStateMachine(SETTINGS);
        copy.restore(snapshot.data());
        assertThat(copy.snapshot()).isEqualTo(snapshot);
        assertThat(copy.firstIndex()).isEqualTo(50);
        assertThat(copy.readLog(1, 1000)).isEqualTo(original.readLog(1, 1000));
        assertThat(copy.readLog(50, 1000)).isEqualTo(original.readLog(50, 1000));
        assertThat(copy.get("key-1")).isEqualTo(original.get("key-1"));

        // The idempotency table came along: a retry is answered the same on both.
        Entry retry = new Entry(201, 30, Entry.Kind.COMMAND, CommandCodec.encode(new Command.AppendLog("0", "log-100", 300_000)));
        ApplyResult answer = copy.apply(retry);
        // Another payload under the key: the first answer all the same, told apart as another request.
        assertThat(answer).isEqualTo(new ApplyResult.DuplicateOf(new ApplyResult.LogAppended(100, 11), false));
        assertThat(original.apply(retry)).isEqualTo(answer);

        // Batches' first answers, too.
        Entry batchRetry = new Entry(202, 30, Entry.Kind.COMMAND, CommandCodec.encode(new Command.PutBatch(
                java.util.List.of(new Command.Put("other", "1", null, false, null, 300_000)), "batch-199", 300_000)));
        ApplyResult batchAnswer = copy.apply(batchRetry);
        assertThat(batchAnswer).isInstanceOf(ApplyResult.DuplicateOf.class);
        assertThat(batchAnswer.unwrap()).isInstanceOf(ApplyResult.KvBatchApplied.class);
        assertThat(original.apply(batchRetry)).isEqualTo(batchAnswer);
        assertThat(copy.snapshot()).isEqualTo(original.snapshot());
    }

    /**
     * Answers may now carry a fingerprint, which a version 2 node cannot load: the snapshot says version 3, so that
     * such a node refuses it when it installs it. This version still reads version 2 (the same layout).
     */
    @Test
    void snapshotsAreVersionThreeAndVersionTwoIsStillRead() {
        ReplicatedStateMachine machine = new ReplicatedStateMachine(SETTINGS);
        fill(machine, 20);
        byte[] data = machine.snapshot().data();
        assertThat(java.util.Arrays.copyOf(data, 4)).isEqualTo("QCS3".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        byte[] versionTwo = data.clone();
        versionTwo[3] = '2';
        ReplicatedStateMachine fromVersionTwo = new ReplicatedStateMachine(SETTINGS);
        fromVersionTwo.restore(versionTwo);
        assertThat(fromVersionTwo.get("key-1")).isEqualTo(machine.get("key-1"));
        assertThat(fromVersionTwo.lastApplied()).isEqualTo(20);
    }

    /** Nodes before version 2 wrote their answers plain: one upgraded over its old data directory must still start. */
    @Test
    void aVersionOneSnapshotStillReadsAndItsAnswersSurviveTheNextSnapshot() throws Exception {
        List<ApplyResult> decisions = new ArrayList<>();
        List<Command.Put> puts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String key = "tx:0190b2a4-7c1e-7d3a-9f00-0000000000" + (10 + i) + ":decision";
            decisions.add(new ApplyResult.KvWritten(new KvEntry(key, "\"COMMIT\"", 7)));
            puts.add(new Command.Put(key, "\"COMMIT\"", null, true, null, 6_000));
        }
        ApplyResult first = new ApplyResult.KvBatchApplied(decisions); // large enough to be kept deflated
        Command.PutBatch retried = new Command.PutBatch(puts, "b-1", 6_000);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream v1 = new DataOutputStream(bytes);
        v1.writeInt(0x51435331); // "QCS1"
        v1.writeLong(7); // last applied
        v1.writeLong(2); // its term
        v1.writeLong(1); // first index
        v1.writeLong(5_000); // the idempotency clock
        v1.writeInt(0); // no log records
        v1.writeInt(1);
        SnapshotCodec.writeEntry(v1, new KvEntry("a", "1", 3));
        v1.writeInt(1);
        v1.writeUTF(Command.idempotencyScope(retried));
        v1.writeLong(5_000);
        ResultCodec.write(v1, first); // plain, no length: version 1's layout
        v1.flush();

        ReplicatedStateMachine upgraded = new ReplicatedStateMachine(SETTINGS);
        upgraded.restore(bytes.toByteArray());
        assertThat(upgraded.get("a")).contains(new KvEntry("a", "1", 3));
        ReplicatedStateMachine next = new ReplicatedStateMachine(SETTINGS);
        next.restore(upgraded.snapshot().data()); // version 2, the answer deflated in it

        Entry retry = new Entry(8, 2, Entry.Kind.COMMAND, CommandCodec.encode(retried));
        // Version 1 kept no fingerprints: the answer is given, and whether this was the same request is unknown.
        assertThat(upgraded.apply(retry)).isEqualTo(new ApplyResult.DuplicateOf(first, false));
        assertThat(next.apply(retry)).isEqualTo(new ApplyResult.DuplicateOf(first, false));
        assertThat(next.get(puts.get(0).key())).isEmpty(); // answered, not applied
    }

    @Test
    void aCorruptSnapshotIsRefusedAndChangesNothing() {
        ReplicatedStateMachine machine = new ReplicatedStateMachine(SETTINGS);
        fill(machine, 10);
        byte[] data = machine.snapshot().data();
        byte[] cut = java.util.Arrays.copyOf(data, data.length - 3);
        assertThatThrownBy(() -> machine.restore(cut)).isInstanceOf(IllegalArgumentException.class);
        assertThat(machine.snapshot().data()).isEqualTo(data);
    }

    @Test
    void compactionMovesFirstIndexButNeverBeyondWhatWasApplied() {
        ReplicatedStateMachine machine = new ReplicatedStateMachine(SETTINGS);
        fill(machine, 40);
        machine.compactLogBefore(13);
        assertThat(machine.firstIndex()).isEqualTo(13);
        LogPage page = machine.readLog(12, 10);
        assertThat(page.compacted()).isTrue();
        assertThat(page.records()).isEmpty();
        assertThat(machine.readLog(13, 100).records()).extracting(LogRecord::index).containsExactly(15L, 20L, 25L, 30L, 35L, 40L);
        machine.compactLogBefore(5); // never backwards
        assertThat(machine.firstIndex()).isEqualTo(13);
        machine.compactLogBefore(1_000);
        assertThat(machine.firstIndex()).isEqualTo(41);
    }

    @Test
    void onlyTheRetainedNumberOfIndexesStaysReadable() {
        ReplicatedStateMachine machine = new ReplicatedStateMachine(new StateMachineSettings(10_000, Duration.ofMinutes(10), 1000));
        for (int i = 1; i <= 25_000; i++) {
            machine.apply(new Entry(i, 1, Entry.Kind.COMMAND, CommandCodec.encode(new Command.AppendLog(Integer.toString(i), null, i))));
        }
        assertThat(machine.firstIndex()).isEqualTo(15_001);
        LogPage page = machine.readLog(15_001, 1000);
        assertThat(page.records()).hasSize(1000);
        assertThat(page.records().getFirst()).isEqualTo(new LogRecord(15_001, 1, "15001"));
        assertThat(machine.readLog(25_000, 10).records()).containsExactly(new LogRecord(25_000, 1, "25000"));
    }
}
