package dev.quorumcommit.twopc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.quorumcommit.twopc.VoteReply;

/** Every order in which prepare, commit and abort can arrive, duplicates included. */
class BarrierTest {

    private final List<String> effects = new CopyOnWriteArrayList<>();
    private final InMemoryBarrierStore store = new InMemoryBarrierStore();
    private final Barrier barrier = new Barrier(store, new BranchEffects() {
        @Override
        public void confirm(String txId) {
            effects.add("confirm " + txId);
        }

        @Override
        public void release(String txId) {
            effects.add("release " + txId);
        }
    }, Clock.systemUTC());

    private VoteReply reserve(String txId, VoteReply vote) {
        return barrier.prepare(txId, () -> {
            effects.add("reserve " + txId);
            return vote;
        });
    }

    @Test
    void prepareThenCommit() {
        assertThat(reserve("t", VoteReply.yes()).isYes()).isTrue();
        assertThat(barrier.commit("t")).isEqualTo(BranchState.COMMITTED);
        assertThat(effects).containsExactly("reserve t", "confirm t");
    }

    @Test
    void prepareThenAbortReleases() {
        reserve("t", VoteReply.yes());
        assertThat(barrier.abort("t")).isEqualTo(BranchState.ABORTED);
        assertThat(effects).containsExactly("reserve t", "release t");
    }

    @Test
    void duplicatesAreAnsweredLikeTheFirstAndTakeNoSecondEffect() {
        reserve("t", VoteReply.yes());
        assertThat(reserve("t", VoteReply.yes()).isYes()).isTrue();
        barrier.commit("t");
        assertThat(barrier.commit("t")).isEqualTo(BranchState.COMMITTED);
        assertThat(reserve("t", VoteReply.yes()).isYes()).isTrue();
        assertThat(effects).containsExactly("reserve t", "confirm t");
    }

    @Test
    void aDuplicateAbortReleasesOnce() {
        reserve("t", VoteReply.yes());
        barrier.abort("t");
        barrier.abort("t");
        assertThat(effects).containsExactly("reserve t", "release t");
    }

    @Test
    void aNoIsRememberedWithItsReason() {
        assertThat(reserve("t", VoteReply.no("not enough stock")).isYes()).isFalse();
        assertThat(reserve("t", VoteReply.yes())).isEqualTo(VoteReply.no("not enough stock"));
        assertThat(barrier.abort("t")).isEqualTo(BranchState.ABORTED);
        assertThat(effects).containsExactly("reserve t");
    }

    @Test
    void anAbortBeforeItsPrepareIsRecordedAndTheLatePrepareRefused() {
        assertThat(barrier.abort("t")).isEqualTo(BranchState.ABORTED);
        VoteReply late = reserve("t", VoteReply.yes());
        assertThat(late.isYes()).isFalse();
        assertThat(late.reason()).isEqualTo(Barrier.ABORTED_FIRST);
        assertThat(effects).isEmpty();
    }

    @Test
    void aCommitForAnUnknownTransactionIsAnError() {
        assertThatThrownBy(() -> barrier.commit("never")).isInstanceOf(UnknownTransactionException.class);
        assertThat(store.find("never")).isEmpty();
    }

    @Test
    void contradictoryDecisionsAreErrors() {
        reserve("a", VoteReply.yes());
        barrier.abort("a");
        assertThatThrownBy(() -> barrier.commit("a")).isInstanceOf(ConflictingDecisionException.class);
        reserve("c", VoteReply.yes());
        barrier.commit("c");
        assertThatThrownBy(() -> barrier.abort("c")).isInstanceOf(ConflictingDecisionException.class);
        assertThat(effects).containsExactly("reserve a", "release a", "reserve c", "confirm c");
    }
}
