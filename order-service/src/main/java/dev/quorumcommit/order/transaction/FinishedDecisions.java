package dev.quorumcommit.order.transaction;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.local.SyncingJpaTransactionManager;

/**
 * Forgets, in consensus-service, the decisions of finished transactions once they are
 * {@code twopc.coordinator.decision-retention} old. Without it every order ever placed leaves its decision key in
 * every node's memory (about 200 bytes each: a node with a 256 MB heap fills up after some 750,000 orders).
 * <p>
 * Only a finished transaction's decision is forgotten: every participant has acknowledged it, so none is prepared
 * and none will read the key again (one that did would take an empty key for "undecided" and abort). And only once
 * both the transaction and its decision are older than the retention: the key stays to be looked at for a while
 * (the README's tour reads it), and a participant's termination that saw itself prepared just before it
 * acknowledged has long read the key by then.
 * <p>
 * Transactions are taken in the order of their ids (UUIDs of version 7: their text sorts by time), up to the first
 * one that must be kept (not finished, or decided within the retention), and a single row remembers how far this
 * got, so a pass reads a range of the primary key and a restart goes on where it stopped. A transaction recorded
 * after the mark passed its id (its id was made more than the retention before its record was written) keeps its
 * key: a leak of a few bytes, never a wrong decision. The deletes go first and the mark moves after them, so a crash
 * in between only deletes again what is gone already.
 */
@Component
class FinishedDecisions {

    /** Keys per request and log entry (consensus-service takes up to 1,000). */
    static final int BATCH = 1000;
    /** Enough to keep up with orders placed at 4,000 a second between two passes 5 s apart. */
    private static final int MAX_BATCHES_PER_PASS = 20;
    private static final Logger log = LoggerFactory.getLogger(FinishedDecisions.class);

    private final EntityManager entities;
    private final TransactionTemplate writes;
    private final TransactionTemplate reads;
    private final DecisionRegister register;
    private final Clock clock;
    private final Duration retention;
    private final Counter forgotten;

    FinishedDecisions(EntityManager entities, TransactionTemplate local, DecisionRegister register, Clock clock,
            CoordinatorProperties properties, MeterRegistry meters) {
        this.entities = entities;
        this.writes = local;
        this.reads = SyncingJpaTransactionManager.forReads(local);
        this.register = register;
        this.clock = clock;
        this.retention = properties.decisionRetention();
        this.forgotten = Counter.builder("twopc.decisions.forgotten")
                .description("Decisions of finished transactions deleted from consensus-service after their retention")
                .register(meters);
    }

    /**
     * One pass: forgets, in batches, what is old enough, up to the first transaction that must be kept.
     *
     * @return how many decisions it forgot
     * @throws RuntimeException when consensus-service or the database failed; the next pass goes on from the mark
     */
    int forget() {
        Instant cutoff = clock.instant().minus(retention);
        String before = firstIdOf(cutoff.toEpochMilli());
        int total = 0;
        for (int batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
            Batch next = reads.execute(status -> nextBatch(through(), before, cutoff));
            if (!next.txIds().isEmpty()) {
                register.forget(next.txIds());
                String last = next.txIds().getLast();
                writes.execute(status -> advanceTo(last));
                total += next.txIds().size();
                forgotten.increment(next.txIds().size());
            }
            if (next.stopped()) {
                break;
            }
        }
        if (total > 0) {
            log.debug("forgot the decisions of {} finished transaction(s)", total);
        }
        return total;
    }

    /** Sorts before every version-7 id made in that millisecond or later, after every one made before it. */
    static String firstIdOf(long millis) {
        return new UUID(Math.max(0, millis) << 16, 0L).toString();
    }

    /** The transactions to forget next, in id order; stopped if the range ended or one must be kept. */
    private record Batch(List<String> txIds, boolean stopped) {
    }

    private Batch nextBatch(String after, String before, Instant cutoff) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entities.createNativeQuery("select tx_id, finished and decided_at < ?3 from tx_record"
                        + " where tx_id > ?1 and tx_id < ?2 order by tx_id limit ?4")
                .setParameter(1, after).setParameter(2, before).setParameter(3, cutoff).setParameter(4, BATCH)
                .getResultList();
        List<String> txIds = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            if (!Boolean.TRUE.equals(row[1])) {
                return new Batch(txIds, true);
            }
            txIds.add((String) row[0]);
        }
        return new Batch(txIds, rows.size() < BATCH);
    }

    private String through() {
        return (String) entities.createNativeQuery("select through from forgotten_decisions where id = 1")
                .getSingleResult();
    }

    /** Never backwards, should two passes ever overlap. */
    private int advanceTo(String txId) {
        return entities.createNativeQuery("update forgotten_decisions set through = ?1 where id = 1 and through < ?1")
                .setParameter(1, txId).executeUpdate();
    }
}
