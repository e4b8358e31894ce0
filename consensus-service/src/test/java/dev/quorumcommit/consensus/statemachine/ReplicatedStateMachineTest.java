package dev.quorumcommit.consensus.statemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.statemachine.ApplyResult.Deleted;
import dev.quorumcommit.consensus.statemachine.ApplyResult.DuplicateOf;
import dev.quorumcommit.consensus.statemachine.ApplyResult.KvConflict;
import dev.quorumcommit.consensus.statemachine.ApplyResult.KvWritten;
import dev.quorumcommit.consensus.statemachine.ApplyResult.LogAppended;
import dev.quorumcommit.consensus.statemachine.ApplyResult.NotFound;

class ReplicatedStateMachineTest {

    private final ReplicatedStateMachine machine = new ReplicatedStateMachine(
            new StateMachineSettings(100, Duration.ofMinutes(10), 1000));
    private long index;

    private ApplyResult apply(Command command) {
        return machine.apply(new Entry(++index, 2, Entry.Kind.COMMAND, CommandCodec.encode(command)));
    }

    private static Command.Put put(String key, String value, Long expected, boolean ifAbsent) {
        return new Command.Put(key, value, expected, ifAbsent, null, 1_000);
    }

    @Test
    void aPutWritesAtTheIndexOfItsEntry() {
        apply(new Command.AppendLog("1", null, 1_000));
        assertThat(apply(put("a", "{\"x\":1.50}", null, false)))
                .isEqualTo(new KvWritten(new KvEntry("a", "{\"x\":1.50}", 2)));
        assertThat(machine.get("a")).contains(new KvEntry("a", "{\"x\":1.50}", 2));
    }

    @Test
    void compareAndSetSucceedsOnTheCurrentRevisionAndFailsOtherwiseChangingNothing() {
        apply(put("a", "1", null, false));
        assertThat(apply(put("a", "2", 1L, false))).isEqualTo(new KvWritten(new KvEntry("a", "2", 2)));
        assertThat(apply(put("a", "3", 1L, false))).isEqualTo(new KvConflict("a", new KvEntry("a", "2", 2)));
        assertThat(apply(put("b", "3", 1L, false))).isEqualTo(new KvConflict("b", null));
        assertThat(machine.get("a")).contains(new KvEntry("a", "2", 2));
        assertThat(machine.get("b")).isEmpty();
    }

    @Test
    void ifAbsentWritesOnlyTheFirstTime() {
        assertThat(apply(put("decision", "\"COMMIT\"", null, true))).isInstanceOf(KvWritten.class);
        assertThat(apply(put("decision", "\"ABORT\"", null, true)))
                .isEqualTo(new KvConflict("decision", new KvEntry("decision", "\"COMMIT\"", 1)));
    }

    @Test
    void aBatchAppliesEachPutUnderItsOwnConditionAllAtTheIndexOfItsEntry() {
        apply(put("taken", "\"ABORT\"", null, true));
        Command.PutBatch batch = new Command.PutBatch(java.util.List.of(
                put("tx:1", "\"COMMIT\"", null, true),
                put("taken", "\"COMMIT\"", null, true),
                put("tx:2", "\"ABORT\"", 7L, false),
                put("tx:1", "\"ABORT\"", null, true)), "b-1", 1_000);
        ApplyResult first = apply(batch);
        assertThat(first).isEqualTo(new ApplyResult.KvBatchApplied(java.util.List.of(
                new KvWritten(new KvEntry("tx:1", "\"COMMIT\"", 2)),
                new KvConflict("taken", new KvEntry("taken", "\"ABORT\"", 1)),
                new KvConflict("tx:2", null),
                new KvConflict("tx:1", new KvEntry("tx:1", "\"COMMIT\"", 2)))));
        assertThat(machine.get("taken").orElseThrow().value()).isEqualTo("\"ABORT\"");
        assertThat(machine.get("tx:2")).isEmpty();

        machine.apply(new Entry(++index, 2, Entry.Kind.COMMAND, CommandCodec.encode(
                new Command.Delete("tx:1", null, null, 1_000))));
        assertThat(apply(batch)).isEqualTo(new DuplicateOf(first, true)); // a retry of the batch writes nothing again
        assertThat(machine.get("tx:1")).isEmpty();
    }

    @Test
    void aDeleteBatchRemovesEveryKeyThereInOneEntryAndReportsTheAbsentOnes() {
        apply(put("tx:1", "\"COMMIT\"", null, true));
        apply(put("tx:3", "\"ABORT\"", null, true));
        apply(put("kept", "1", null, false));
        Command.DeleteBatch batch = new Command.DeleteBatch(java.util.List.of("tx:1", "tx:2", "tx:3"), "forget-1", 1_000);
        ApplyResult first = apply(batch);
        assertThat(first).isEqualTo(new ApplyResult.KvBatchApplied(java.util.List.of(
                new Deleted("tx:1", 4), new NotFound("tx:2"), new Deleted("tx:3", 4))));
        assertThat(machine.get("tx:1")).isEmpty();
        assertThat(machine.get("tx:3")).isEmpty();
        assertThat(machine.get("kept")).isPresent();

        apply(put("tx:1", "\"ABORT\"", null, true));
        assertThat(apply(batch)).isEqualTo(new DuplicateOf(first, true)); // a retry of the batch deletes nothing again
        assertThat(machine.get("tx:1")).isPresent();
        assertThat(apply(new Command.DeleteBatch(java.util.List.of("tx:1", "tx:1"), null, 1_000)))
                .isEqualTo(new ApplyResult.KvBatchApplied(java.util.List.of(new Deleted("tx:1", 7), new NotFound("tx:1"))));
    }

    /**
     * The key alone names the request, as the contract has it: a retry (stamped anew by whichever leader takes it) and
     * another request under the same key both get the first answer and change nothing; the answer says which of the
     * two it was, so that the node can tell the second for the client's mistake. A replica restored from a snapshot
     * tells them apart the same.
     */
    @Test
    void aRetryAndAnotherRequestUnderTheSameKeyAreToldApart() {
        ApplyResult first = apply(new Command.AppendLog("{\"n\":1}", "k-1", 1_000));
        assertThat(apply(new Command.AppendLog("{\"n\":1}", "k-1", 2_000))).isEqualTo(new DuplicateOf(first, true));
        assertThat(apply(new Command.AppendLog("{\"n\":2}", "k-1", 2_000))).isEqualTo(new DuplicateOf(first, false));
        ApplyResult written = apply(new Command.Put("a", "1", null, false, "k-2", 2_000));
        assertThat(apply(new Command.Put("a", "1", null, true, "k-2", 2_000))).as("another condition")
                .isEqualTo(new DuplicateOf(written, false));
        assertThat(apply(new Command.Put("a", "2", null, false, "k-2", 2_000))).as("another value")
                .isEqualTo(new DuplicateOf(written, false));
        assertThat(machine.readLog(1, 10).records()).hasSize(1);
        assertThat(machine.get("a")).contains(new KvEntry("a", "1", 4));

        ReplicatedStateMachine restored = new ReplicatedStateMachine(new StateMachineSettings(100, Duration.ofMinutes(10), 1000));
        restored.restore(machine.snapshot().data());
        assertThat(restored.apply(new Entry(++index, 2, Entry.Kind.COMMAND,
                CommandCodec.encode(new Command.Put("a", "2", null, false, "k-2", 3_000)))))
                .isEqualTo(new DuplicateOf(written, false));
        assertThat(restored.apply(new Entry(++index, 2, Entry.Kind.COMMAND,
                CommandCodec.encode(new Command.Put("a", "1", null, false, "k-2", 3_000)))))
                .isEqualTo(new DuplicateOf(written, true));
    }

    @Test
    void deleteHonoursTheExpectedRevision() {
        apply(put("a", "1", null, false));
        assertThat(apply(new Command.Delete("a", 7L, null, 1_000))).isEqualTo(new KvConflict("a", new KvEntry("a", "1", 1)));
        assertThat(machine.get("a")).isPresent();
        assertThat(apply(new Command.Delete("a", 1L, null, 1_000))).isEqualTo(new Deleted("a", 3));
        assertThat(apply(new Command.Delete("a", null, null, 1_000))).isEqualTo(new NotFound("a"));
        assertThat(machine.get("a")).isEmpty();
    }

    @Test
    void theIdempotencyTableIsFullAtItsCapUntilItsOldestKeysExpire() {
        for (int i = 0; i < 999; i++) {
            apply(new Command.AppendLog("1", "key-" + i, 1_000));
        }
        Command another = new Command.AppendLog("1", "key-1000", 2_000);
        assertThat(machine.wouldForgetAKeyEarly(another)).isFalse();
        apply(new Command.AppendLog("1", "key-999", 1_000));
        assertThat(machine.wouldForgetAKeyEarly(another)).as("a 1,001st key would push out one younger than 10 minutes")
                .isTrue();
        assertThat(machine.wouldForgetAKeyEarly(new Command.AppendLog("1", "key-5", 2_000)))
                .as("a retry of a remembered key adds none").isFalse();
        assertThat(machine.wouldForgetAKeyEarly(new Command.AppendLog("1", null, 2_000))).as("no key").isFalse();
        assertThat(machine.idempotencyKeyCount()).isEqualTo(1000);

        apply(new Command.AppendLog("1", null, 1_000 + Duration.ofMinutes(10).toMillis() + 1)); // the clock moves on
        assertThat(machine.wouldForgetAKeyEarly(another)).isFalse();
        assertThat(machine.idempotencyKeyCount()).isZero();
    }

    @Test
    void aFullTableTakesANewKeyProposedLateEnoughToExpireItsOldestEvenBeforeAnythingApplies() {
        for (int i = 0; i < 1000; i++) {
            apply(new Command.AppendLog("1", "key-" + i, 1_000));
        }
        long retention = Duration.ofMinutes(10).toMillis();
        // Nothing has applied since, so the table's clock is still 1,000 and its keys are all still there.
        assertThat(machine.wouldForgetAKeyEarly(new Command.AppendLog("1", "late", 1_000 + retention + 1)))
                .as("applying it would first expire the keys of t=1000, so it pushes none out early").isFalse();
        assertThat(machine.wouldForgetAKeyEarly(new Command.AppendLog("1", "late", 1_000 + retention)))
                .as("at exactly 10 minutes the oldest key is still remembered").isTrue();
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheFirstAnswerAndChangesNothing() {
        ApplyResult first = apply(new Command.AppendLog("\"once\"", "k1", 1_000));
        ApplyResult retry = apply(new Command.AppendLog("\"twice\"", "k1", 2_000));
        assertThat(retry).isEqualTo(new DuplicateOf(first, false));
        assertThat(machine.readLog(1, 10).records()).extracting(LogRecord::payload).containsExactly("\"once\"");
        assertThat(machine.lastApplied()).isEqualTo(2);

        // The same key on another kind of request is another request.
        assertThat(apply(new Command.Put("x", "1", null, false, "k1", 2_000))).isInstanceOf(KvWritten.class);
        assertThat(apply(new Command.Put("x", "2", null, true, "k2", 2_000))).isInstanceOf(KvConflict.class);
        assertThat(apply(new Command.Put("x", "3", null, false, "k2", 2_000)))
                .isEqualTo(new DuplicateOf(new KvConflict("x", new KvEntry("x", "1", 3)), false));
        assertThat(machine.get("x").orElseThrow().value()).isEqualTo("1");
    }

    @Test
    void idempotencyKeysExpireByTheProposalClockOfTheEntriesNotTheLocalClock() {
        long t0 = 1_000_000;
        apply(new Command.AppendLog("1", "k", t0));
        assertThat(apply(new Command.AppendLog("1", "k", t0 + Duration.ofMinutes(10).toMillis())))
                .isInstanceOf(DuplicateOf.class);
        // A leader whose clock runs behind cannot make the table forget less or more.
        assertThat(apply(new Command.AppendLog("1", "k", t0 - 5_000))).isInstanceOf(DuplicateOf.class);
        assertThat(apply(new Command.AppendLog("1", "k", t0 + Duration.ofMinutes(10).toMillis() + 1)))
                .isEqualTo(new LogAppended(4, 2));
    }

    @Test
    void noOpsAdvanceOnlyLastApplied() {
        apply(put("a", "1", null, false));
        byte[] before = machine.snapshot().data();
        machine.apply(Entry.noop(++index, 3));
        assertThat(machine.lastApplied()).isEqualTo(2);
        assertThat(machine.get("a")).contains(new KvEntry("a", "1", 1));
        assertThat(machine.readLog(1, 10).records()).isEmpty();
        assertThat(before).isNotEqualTo(machine.snapshot().data()); // only in lastApplied and its term
    }

    @Test
    void entriesMustBeAppliedInOrderEachOnce() {
        apply(put("a", "1", null, false));
        assertThatThrownBy(() -> machine.apply(Entry.noop(1, 2))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> machine.apply(Entry.noop(3, 2))).isInstanceOf(IllegalStateException.class);
        assertThat(machine.lastApplied()).isEqualTo(1);
    }

    @Test
    void anEntryThatIsNoCommandIsRejectedAlikeEverywhere() {
        ApplyResult result = machine.apply(new Entry(++index, 1, Entry.Kind.COMMAND, new byte[] {9, 9}));
        assertThat(result).isInstanceOf(ApplyResult.Rejected.class);
        assertThat(machine.lastApplied()).isEqualTo(1);
    }
}
