package dev.quorumcommit.twopc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.InMemoryDecisionRegister;
import dev.quorumcommit.twopc.TwoPcMetrics;

class ParticipantTerminationTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    private final InMemoryBarrierStore store = new InMemoryBarrierStore();
    private final InMemoryDecisionRegister register = new InMemoryDecisionRegister();
    private final List<String> applied = new CopyOnWriteArrayList<>();
    private final PhaseTwoHandler handler = new PhaseTwoHandler() {
        @Override
        public BranchState commit(String txId) {
            applied.add("commit " + txId);
            return BranchState.COMMITTED;
        }

        @Override
        public BranchState abort(String txId) {
            applied.add("abort " + txId);
            return BranchState.ABORTED;
        }
    };
    private final ParticipantTermination termination = new ParticipantTermination(store, register, handler,
            Duration.ofSeconds(5), new TwoPcMetrics(new SimpleMeterRegistry(), "participant"),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private void prepared(String txId, Duration ago) {
        store.insert(new BarrierEntry(txId, BranchState.PREPARED, null, NOW.minus(ago)));
    }

    @Test
    void aParticipantLeftWaitingWritesAbortItselfAndAppliesIt() {
        prepared("old", Duration.ofSeconds(6));

        assertThat(termination.resolve()).isEqualTo(1);

        assertThat(register.read("old")).contains(Decision.ABORT);
        assertThat(applied).containsExactly("abort old");
    }

    @Test
    void aCommitAlreadyWrittenWinsOverTheParticipantsAbort() {
        prepared("old", Duration.ofSeconds(6));
        register.decide("old", Decision.COMMIT);

        termination.resolve();

        assertThat(register.read("old")).contains(Decision.COMMIT);
        assertThat(applied).containsExactly("commit old");
    }

    @Test
    void aTransactionPreparedWithinTheTimeoutIsLeftToTheCoordinator() {
        prepared("young", Duration.ofSeconds(4));

        assertThat(termination.resolve()).isZero();

        assertThat(register.read("young")).isEmpty();
        assertThat(applied).isEmpty();
    }

    @Test
    void withoutAQuorumItStaysPreparedAndTriesAgainLater() {
        prepared("old", Duration.ofSeconds(6));
        register.setAvailable(false);

        assertThat(termination.resolve()).isZero();
        assertThat(applied).isEmpty();

        register.setAvailable(true);
        assertThat(termination.resolve()).isEqualTo(1);
        assertThat(applied).containsExactly("abort old");
    }

    /**
     * The pass reads its list of prepared transactions once; while it works through it (slowly, when consensus
     * answers slowly) the coordinator may deliver COMMIT to one of them, collect every acknowledgement and forget the
     * decision. The key is empty then, and an ABORT written into it would contradict what everyone applied.
     */
    @Test
    void aTransactionCommittedAndForgottenWhileThePassRanIsNotAbortedIntoItsEmptyKey() {
        prepared("listed", Duration.ofSeconds(6));
        InMemoryDecisionRegister committedMeanwhile = new InMemoryDecisionRegister() {
            @Override
            public Optional<Decision> read(String txId) {
                // Just before this read: phase two reached the participant, and the finished decision was forgotten.
                store.update(new BarrierEntry(txId, BranchState.COMMITTED, null, NOW));
                forget(List.of(txId));
                return super.read(txId);
            }
        };
        committedMeanwhile.decide("listed", Decision.COMMIT);
        ParticipantTermination pass = new ParticipantTermination(store, committedMeanwhile, handler,
                Duration.ofSeconds(5), new TwoPcMetrics(new SimpleMeterRegistry(), "participant"),
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(pass.resolve()).isZero();

        assertThat(committedMeanwhile.decide("listed", Decision.COMMIT)).as("no ABORT written over the forgotten COMMIT")
                .isEqualTo(Decision.COMMIT);
        assertThat(applied).isEmpty();
    }
}
