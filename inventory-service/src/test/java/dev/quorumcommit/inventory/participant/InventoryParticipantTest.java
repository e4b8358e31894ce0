package dev.quorumcommit.inventory.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.inventory.InMemoryRegisterConfiguration;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.participant.BarrierEntry;
import dev.quorumcommit.twopc.participant.BranchState;
import dev.quorumcommit.twopc.participant.ConflictingDecisionException;
import dev.quorumcommit.twopc.participant.UnknownTransactionException;
import dev.quorumcommit.twopc.participant.jpa.JpaBarrierStore;

/** The participant against its real database: every order of messages, and many prepares at once. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("test")
@Import(InMemoryRegisterConfiguration.class)
class InventoryParticipantTest {

    @Autowired
    InventoryParticipant participant;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JpaBarrierStore barrierStore;
    @Autowired
    TransactionTemplate transactions;

    private String stock(int available) {
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.update("insert into stock (sku, available, reserved) values (?, ?, 0)", sku, available);
        return sku;
    }

    private int[] counts(String sku) {
        return jdbc.queryForObject("select available, reserved from stock where sku = ?",
                (rs, i) -> new int[] {rs.getInt(1), rs.getInt(2)}, sku);
    }

    private static String tx() {
        return UUID.randomUUID().toString();
    }

    @Test
    void prepareReservesAndCommitConsumes() {
        String sku = stock(10);
        String tx = tx();

        assertThat(barrierStore.isPrepared(tx)).isFalse();
        assertThat(participant.prepare(tx, sku, 3).isYes()).isTrue();
        assertThat(counts(sku)).containsExactly(7, 3);
        assertThat(barrierStore.isPrepared(tx)).as("read outside a local transaction, as termination does").isTrue();
        assertThat(participant.commit(tx)).isEqualTo(BranchState.COMMITTED);
        assertThat(counts(sku)).containsExactly(7, 0);
        assertThat(barrierStore.isPrepared(tx)).isFalse();
    }

    @Test
    void prepareThenAbortReturnsTheUnits() {
        String sku = stock(10);
        String tx = tx();

        participant.prepare(tx, sku, 4);
        assertThat(participant.abort(tx)).isEqualTo(BranchState.ABORTED);
        assertThat(counts(sku)).containsExactly(10, 0);
    }

    @Test
    void duplicatesOfEachMessageChangeNothingMore() {
        String sku = stock(10);
        String tx = tx();

        participant.prepare(tx, sku, 4);
        assertThat(participant.prepare(tx, sku, 4).isYes()).isTrue();
        assertThat(counts(sku)).containsExactly(6, 4);
        participant.commit(tx);
        assertThat(participant.commit(tx)).isEqualTo(BranchState.COMMITTED);
        assertThat(participant.prepare(tx, sku, 4).isYes()).isTrue();
        assertThat(counts(sku)).containsExactly(6, 0);

        String aborted = tx();
        participant.prepare(aborted, sku, 1);
        participant.abort(aborted);
        assertThat(participant.abort(aborted)).isEqualTo(BranchState.ABORTED);
        assertThat(counts(sku)).containsExactly(6, 0);
    }

    @Test
    void anAbortBeforeThePrepareIsRecordedAndTheLatePrepareRefused() {
        String sku = stock(10);
        String tx = tx();

        assertThat(participant.abort(tx)).isEqualTo(BranchState.ABORTED);
        VoteReply late = participant.prepare(tx, sku, 2);

        assertThat(late.isYes()).isFalse();
        assertThat(late.reason()).contains("aborted before its prepare");
        assertThat(counts(sku)).containsExactly(10, 0);
    }

    @Test
    void aCommitForAnUnknownTransactionIsAnErrorAndLeavesNoTrace() {
        String tx = tx();
        assertThatThrownBy(() -> participant.commit(tx)).isInstanceOf(UnknownTransactionException.class);
        assertThat(participant.state(tx)).isEmpty();
    }

    @Test
    void aCommitAfterAnAbortIsRefused() {
        String sku = stock(10);
        String tx = tx();
        participant.prepare(tx, sku, 2);
        participant.abort(tx);

        assertThatThrownBy(() -> participant.commit(tx)).isInstanceOf(ConflictingDecisionException.class);
        assertThat(counts(sku)).containsExactly(10, 0);
    }

    @Test
    void noVotesSayWhyAndReserveNothing() {
        String sku = stock(2);

        assertThat(participant.prepare(tx(), sku, 3).reason()).isEqualTo(
                "not enough stock for SKU '" + sku + "': 2 available, 3 asked");
        assertThat(participant.prepare(tx(), "NO-SUCH-SKU", 1).reason()).isEqualTo("unknown SKU 'NO-SUCH-SKU'");
        assertThat(counts(sku)).containsExactly(2, 0);
    }

    @Test
    void concurrentPreparesReserveExactlyTheStockOnHand() throws Exception {
        String sku = stock(50);
        ExecutorService pool = Executors.newFixedThreadPool(200);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<VoteReply>> votes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Callable<VoteReply> prepare = () -> {
                start.await();
                return participant.prepare(tx(), sku, 1);
            };
            votes.add(pool.submit(prepare));
        }
        start.countDown();
        int yes = 0;
        for (Future<VoteReply> vote : votes) {
            yes += vote.get().isYes() ? 1 : 0;
        }
        pool.shutdown();

        assertThat(yes).isEqualTo(50);
        assertThat(counts(sku)).containsExactly(0, 50);
        assertThat(jdbc.queryForObject("select coalesce(sum(quantity), 0) from reservation where sku = ?",
                Integer.class, sku)).isEqualTo(50);
    }

    @Test
    void concurrentDuplicatesOfOnePrepareReserveOnce() throws Exception {
        String sku = stock(50);
        String tx = tx();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<VoteReply>> votes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            votes.add(pool.submit(() -> {
                start.await();
                return participant.prepare(tx, sku, 5);
            }));
        }
        start.countDown();
        for (Future<VoteReply> vote : votes) {
            assertThat(vote.get().isYes()).isTrue();
        }
        pool.shutdown();

        assertThat(counts(sku)).containsExactly(45, 5);
    }

    /**
     * Phase two moves a PREPARED entry with one conditional update. A commit that waits for the row while an abort
     * holds it must find the entry no longer PREPARED once the abort commits, and change nothing: were the condition
     * judged on the row as it was before the wait, the commit would overwrite the abort, and the stock the abort
     * returned would be consumed as well.
     */
    @Test
    void ofACommitAndAnAbortRacingForOnePreparedEntryOnlyTheFirstFindsItPrepared() throws Exception {
        String sku = stock(10);
        String tx = tx();
        participant.prepare(tx, sku, 1);
        CountDownLatch abortHoldsTheRow = new CountDownLatch(1);
        CountDownLatch commitIsWaiting = new CountDownLatch(1);
        try (ExecutorService two = Executors.newFixedThreadPool(2)) {
            Future<Boolean> abort = two.submit(() -> transactions.execute(status -> {
                boolean replaced = barrierStore.replacePrepared(new BarrierEntry(tx, BranchState.ABORTED, "raced", Instant.now()));
                abortHoldsTheRow.countDown();
                waitFor(commitIsWaiting);
                return replaced;
            }));
            Future<Boolean> commit;
            try { // a failed wait below must still let the abort go, or closing the executor waits for it for good
                assertThat(abortHoldsTheRow.await(10, TimeUnit.SECONDS)).as("the abort holds the row").isTrue();
                commit = two.submit(() -> transactions.execute(status ->
                        barrierStore.replacePrepared(new BarrierEntry(tx, BranchState.COMMITTED, null, Instant.now()))));
                // Only once H2 says the commit's session waits for another's lock is the abort let go: so the commit
                // has read the row while it was still PREPARED, and must judge it again after the wait.
                await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                        "select count(*) from information_schema.sessions where blocker_id is not null", Integer.class) > 0);
                assertThat(commit).isNotDone();
            } finally {
                commitIsWaiting.countDown();
            }

            assertThat(abort.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(commit.get(30, TimeUnit.SECONDS)).isFalse();
        }
        assertThat(jdbc.queryForObject("select state from twopc_barrier where tx_id = ?", String.class, tx))
                .isEqualTo("ABORTED");
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
