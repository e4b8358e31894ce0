package dev.quorumcommit.order.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.order.InMemoryRegister;
import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.InMemoryDecisionRegister;
import dev.quorumcommit.twopc.consensus.ConsensusUnavailableException;

/**
 * Decisions are forgotten only for finished transactions, only once the transaction and its decision are older than
 * the retention, never past the first transaction that must be kept, and from where the last pass stopped. Its own
 * context (its properties differ) and so its own database (the test profile's random name).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"twopc.coordinator.decision-retention=1m", "twopc.coordinator.recovery-interval=1h"})
@ActiveProfiles("test")
@Import(InMemoryRegister.class)
class FinishedDecisionsTest {

    @Autowired
    JpaTransactionLog log;
    @Autowired
    InMemoryDecisionRegister register;
    @Autowired
    FinishedDecisions finishedDecisions;
    @Autowired
    EntityManager entities;
    @Autowired
    TransactionTemplate local;
    @Autowired
    @Qualifier("twopcScheduler")
    ScheduledExecutorService scheduler;

    /**
     * Each test starts from no transactions and nothing forgotten, and with the recovery schedule's pass at start-up
     * behind it: that pass forgets too, and one still running could forget what a test means to keep. The schedule's
     * executor has one thread, so a task handed in now runs after it; the next pass is an hour away.
     */
    @BeforeEach
    void noTransactions() throws Exception {
        scheduler.submit(() -> { }).get(30, TimeUnit.SECONDS);
        local.executeWithoutResult(s -> {
            entities.createNativeQuery("delete from tx_participant").executeUpdate();
            entities.createNativeQuery("delete from tx_record").executeUpdate();
            entities.createNativeQuery("update forgotten_decisions set through = ''").executeUpdate();
        });
    }

    @Test
    void onlyFinishedTransactionsDecidedBeforeTheRetentionAreForgottenAndNeverPastOneThatIsKept() {
        long tenMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        String finishedFirst = transaction(tenMinutesAgo, Instant.ofEpochMilli(tenMinutesAgo), true);
        String unfinished = transaction(tenMinutesAgo + 1, Instant.ofEpochMilli(tenMinutesAgo), false);
        String finishedAfterIt = transaction(tenMinutesAgo + 2, Instant.ofEpochMilli(tenMinutesAgo), true);
        String decidedJustNow = transaction(tenMinutesAgo + 3, Instant.now(), true); // in doubt for ten minutes
        String finishedLast = transaction(tenMinutesAgo + 4, Instant.ofEpochMilli(tenMinutesAgo), true);
        String recent = transaction(System.currentTimeMillis(), Instant.now(), true);

        assertThat(finishedDecisions.forget()).isEqualTo(1);
        assertThat(register.read(finishedFirst)).isEmpty();
        assertThat(register.read(unfinished)).contains(Decision.COMMIT); // a participant may still ask for it
        assertThat(register.read(finishedAfterIt)).contains(Decision.COMMIT); // the mark waits for the unfinished one
        assertThat(through()).isEqualTo(finishedFirst);

        log.recordAcknowledged(unfinished, "inventory");
        log.markFinished(unfinished);
        assertThat(finishedDecisions.forget()).isEqualTo(2);
        assertThat(register.read(unfinished)).isEmpty();
        assertThat(register.read(finishedAfterIt)).isEmpty();
        assertThat(register.read(decidedJustNow)).contains(Decision.COMMIT); // its decision is within the retention
        assertThat(register.read(finishedLast)).contains(Decision.COMMIT); // and the mark waits for it
        assertThat(register.read(recent)).contains(Decision.COMMIT); // begun within the retention
        assertThat(through()).isEqualTo(finishedAfterIt);

        assertThat(finishedDecisions.forget()).isZero(); // the mark was kept: nothing is asked for twice
    }

    @Test
    void anUndecidedTransactionStopsThePassUntilItIsDecidedAndAcknowledged() {
        long tenMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        String undecided = versionSevenId(tenMinutesAgo);
        log.begin(undecided, List.of("inventory", "order"), Instant.ofEpochMilli(tenMinutesAgo));
        register.decide(undecided, Decision.ABORT); // decided in consensus, say by a participant's termination
        String finishedAfterIt = transaction(tenMinutesAgo + 1, Instant.ofEpochMilli(tenMinutesAgo), true);

        assertThat(finishedDecisions.forget()).isZero();
        assertThat(register.read(undecided)).contains(Decision.ABORT); // recovery is still to read it
        assertThat(register.read(finishedAfterIt)).contains(Decision.COMMIT);

        log.recordDecision(undecided, Decision.ABORT, Instant.ofEpochMilli(tenMinutesAgo), List.of("order"));
        log.recordAcknowledged(undecided, "inventory");
        log.markFinished(undecided);
        assertThat(finishedDecisions.forget()).isEqualTo(2);
        assertThat(register.read(undecided)).isEmpty();
        assertThat(register.read(finishedAfterIt)).isEmpty();
    }

    @Test
    void aPassThatCannotReachConsensusMovesNothingAndTheNextOneForgets() {
        long twentyMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(20).toMillis();
        String finished = transaction(twentyMinutesAgo, Instant.ofEpochMilli(twentyMinutesAgo), true);
        String before = through();
        register.setAvailable(false);
        try {
            assertThatThrownBy(finishedDecisions::forget).isInstanceOf(ConsensusUnavailableException.class);
        } finally {
            register.setAvailable(true);
        }
        assertThat(through()).isEqualTo(before);
        assertThat(register.read(finished)).contains(Decision.COMMIT);

        assertThat(finishedDecisions.forget()).isEqualTo(1);
        assertThat(register.read(finished)).isEmpty();
    }

    @Test
    void theFirstIdOfAMillisecondSortsBetweenThoseMadeBeforeAndThoseMadeInIt() {
        long millis = Instant.parse("2026-12-01T05:00:00Z").toEpochMilli();
        String bound = FinishedDecisions.firstIdOf(millis);
        assertThat(versionSevenId(millis - 1)).isLessThan(bound);
        assertThat(versionSevenId(millis)).isGreaterThan(bound);
        assertThat(versionSevenId(millis + 1)).isGreaterThan(bound);
    }

    /** A transaction with a decision in the register, finished (both acknowledged) or still owed inventory's. */
    private String transaction(long millis, Instant decidedAt, boolean finished) {
        String txId = versionSevenId(millis);
        log.begin(txId, List.of("inventory", "order"), Instant.ofEpochMilli(millis));
        register.decide(txId, Decision.COMMIT);
        log.recordDecision(txId, Decision.COMMIT, decidedAt, List.of("order"));
        if (finished) {
            log.recordAcknowledged(txId, "inventory");
            log.markFinished(txId);
        }
        return txId;
    }

    /** As order-service makes them (TimeOrderedIds): 48 bits of milliseconds, the version, then random bits. */
    private static String versionSevenId(long millis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID((millis << 16) | 0x7000L | random.nextInt(0x1000),
                (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    private String through() {
        return local.execute(s -> (String) entities.createNativeQuery("select through from forgotten_decisions")
                .getSingleResult());
    }
}
