package dev.quorumcommit.order.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import dev.quorumcommit.order.InMemoryRegister;
import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.Vote;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.coordinator.ParticipantRecord;
import dev.quorumcommit.twopc.coordinator.TxRecord;

/**
 * The coordinator's log in its real database, where phase two records the participants' acknowledgements concurrently.
 * The recovery passes are kept out (their schedule is a mock, so none runs): a pass would mark these tests' records
 * finished behind their backs, as it should in a service. A long interval was not enough: the first pass runs at
 * start-up, on the scheduler's thread, and was seen to overlap the first test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("test")
@Import(InMemoryRegister.class)
class JpaTransactionLogTest {

    @MockitoBean
    RecoverySchedule noRecovery;
    @Autowired
    JpaTransactionLog log;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void acknowledgementsRecordedAtTheSameMomentAreBothThereForTheMarkThatFollows() throws Exception {
        // Phase two delivers to both participants in parallel, so their acknowledgements are recorded in two
        // local transactions at once; the delivery marks the transaction finished once both returned.
        for (int round = 0; round < 30; round++) {
            String txId = UUID.randomUUID().toString();
            log.begin(txId, List.of("inventory", "order"), Instant.now());
            log.recordDecision(txId, Decision.COMMIT, Instant.now(), List.of());
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService both = Executors.newFixedThreadPool(2)) {
                List<Future<?>> acks = List.of(
                        both.submit(() -> { go.await(); log.recordAcknowledged(txId, "inventory"); return null; }),
                        both.submit(() -> { go.await(); log.recordAcknowledged(txId, "order"); return null; }));
                go.countDown();
                for (Future<?> ack : acks) {
                    ack.get();
                }
            }
            assertThat(log.find(txId)).get().extracting(TxRecord::finished).isEqualTo(true);
            assertThat(log.markFinished(txId)).as("round %d", round).isTrue();
            assertThat(log.unfinishedIds()).as("round %d", round).doesNotContain(txId);
        }
    }

    @Test
    void onlyATransactionDecidedAndAcknowledgedByEveryParticipantIsMarkedFinishedAndOnlyOnce() {
        String done = UUID.randomUUID().toString();
        log.begin(done, List.of("inventory", "order"), Instant.now());
        log.recordDecision(done, Decision.COMMIT, Instant.now(), List.of("order"));
        log.recordAcknowledged(done, "inventory");
        String owed = UUID.randomUUID().toString();
        log.begin(owed, List.of("inventory", "order"), Instant.now());
        log.recordDecision(owed, Decision.COMMIT, Instant.now(), List.of("order"));
        String undecided = UUID.randomUUID().toString();
        log.begin(undecided, List.of("inventory", "order"), Instant.now());
        log.recordAcknowledged(undecided, "inventory");
        log.recordAcknowledged(undecided, "order");
        assertThat(log.unfinishedIds()).as("listed until marked").contains(done, owed, undecided);

        assertThat(log.markFinished(done)).isTrue();
        assertThat(log.markFinished(done)).as("a second time changes nothing").isFalse();
        assertThat(log.markFinished(owed)).as("inventory has not acknowledged").isFalse();
        assertThat(log.markFinished(undecided)).as("no decision recorded").isFalse();

        assertThat(log.unfinishedIds()).contains(owed, undecided).doesNotContain(done);
        assertThat(jdbc.queryForObject("select count(*) from tx_record where finished and tx_id in (?, ?)", Long.class,
                owed, undecided)).isZero();
    }

    @Test
    void theFirstDecisionRecordedStaysWithItsTime() {
        String txId = UUID.randomUUID().toString();
        Instant decidedAt = Instant.parse("2026-11-30T12:00:00.123456Z");
        log.begin(txId, List.of("inventory", "order"), Instant.now());

        log.recordDecision(txId, Decision.ABORT, decidedAt, List.of());
        log.recordDecision(txId, Decision.COMMIT, decidedAt.plusSeconds(5), List.of());

        TxRecord record = log.find(txId).orElseThrow();
        assertThat(record.decision()).isEqualTo(Decision.ABORT);
        assertThat(record.decidedAt()).isEqualTo(decidedAt);
        assertThat(log.unfinishedIds()).contains(txId);
    }

    @Test
    void votesAreRecordedPerParticipantWithTheirReasonCutToTheColumn() {
        String txId = UUID.randomUUID().toString();
        log.begin(txId, List.of("inventory", "order"), Instant.now());

        log.recordVote(txId, "inventory", VoteReply.no("x".repeat(600)));
        log.recordVote(txId, "order", VoteReply.yes());

        assertThat(log.find(txId).orElseThrow().participants())
                .extracting(ParticipantRecord::name, ParticipantRecord::vote, p -> p.reason() == null ? 0 : p.reason().length())
                .containsExactly(tuple("inventory", Vote.NO, 500),
                        tuple("order", Vote.YES, 0));
    }

    @Test
    void acknowledgementsRecordedBeforeTheDecisionFinishTheTransactionOnceItIsRecorded() {
        // Recovery delivers a decision it read from the register before it records it here.
        String txId = UUID.randomUUID().toString();
        log.begin(txId, List.of("inventory", "order"), Instant.now());
        log.recordAcknowledged(txId, "inventory");
        log.recordAcknowledged(txId, "order");
        assertThat(log.unfinishedIds()).contains(txId);

        log.recordDecision(txId, Decision.COMMIT, Instant.now(), List.of());

        assertThat(log.markFinished(txId)).isTrue();
        assertThat(log.unfinishedIds()).doesNotContain(txId);
    }

    @Test
    void aDecisionRecordedWithTheParticipantsThatAppliedItWaitsOnlyForTheOthers() {
        String txId = UUID.randomUUID().toString();
        log.begin(txId, List.of("inventory", "order"), Instant.now());

        log.recordDecision(txId, Decision.COMMIT, Instant.now(), List.of("order"));

        assertThat(log.find(txId).orElseThrow().participants())
                .extracting(ParticipantRecord::name, ParticipantRecord::acknowledged)
                .containsExactly(tuple("inventory", false), tuple("order", true));
        assertThat(log.unfinishedIds()).contains(txId);

        log.recordAcknowledged(txId, "inventory");

        assertThat(log.markFinished(txId)).isTrue();
        assertThat(log.unfinishedIds()).doesNotContain(txId);
    }

    @Test
    void aDecisionRecordedWithAParticipantNotInTheTransactionIsNotRecordedAtAll() {
        String txId = UUID.randomUUID().toString();
        log.begin(txId, List.of("inventory", "order"), Instant.now());

        assertThatThrownBy(() -> log.recordDecision(txId, Decision.COMMIT, Instant.now(), List.of("shipping")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shipping");

        assertThat(log.find(txId).orElseThrow().decision()).isNull();
    }

    @Test
    void writesForATransactionOrParticipantNotRecordedAreErrors() {
        String txId = UUID.randomUUID().toString();
        assertThatThrownBy(() -> log.recordDecision(txId, Decision.COMMIT, Instant.now(), List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(txId);
        log.begin(txId, List.of("inventory", "order"), Instant.now());
        assertThatThrownBy(() -> log.recordVote(txId, "shipping", VoteReply.yes()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shipping");
        assertThat(log.find(txId).orElseThrow().participants()).extracting(ParticipantRecord::vote).containsOnlyNulls();
    }

    @Test
    void aDecisionRecordedWhileItsAcknowledgementsAreLeavesTheTransactionFinished() throws Exception {
        // Recovery may record acknowledgements of a decision it read from the register while the decision is being
        // recorded: once all have returned, the record is finished, and the mark that follows sees it.
        for (int round = 0; round < 30; round++) {
            String txId = UUID.randomUUID().toString();
            log.begin(txId, List.of("inventory", "order"), Instant.now());
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService three = Executors.newFixedThreadPool(3)) {
                // Every other round the decision comes with the order participant's acknowledgement, as the coordinator
                // records it, racing recovery's acknowledgement of inventory.
                List<String> appliedWithDecision = round % 2 == 0 ? List.of("order") : List.of();
                List<Future<?>> writes = new ArrayList<>();
                writes.add(three.submit(() -> {
                    go.await();
                    log.recordDecision(txId, Decision.COMMIT, Instant.now(), appliedWithDecision);
                    return null;
                }));
                for (String participant : List.of("inventory", "order")) {
                    if (!appliedWithDecision.contains(participant)) {
                        writes.add(three.submit(() -> { go.await(); log.recordAcknowledged(txId, participant); return null; }));
                    }
                }
                go.countDown();
                for (Future<?> write : writes) {
                    write.get();
                }
            }
            assertThat(log.markFinished(txId)).as("round %d", round).isTrue();
            assertThat(log.unfinishedIds()).as("round %d", round).doesNotContain(txId);
        }
    }
}
