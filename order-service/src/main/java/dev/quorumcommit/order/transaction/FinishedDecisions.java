package dev.quorumcommit.order.transaction;

import java.time.Clock;
import java.time.Duration;
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
 * Forgets, in consensus-service, the decisions of transactions that finished more than
 * {@code twopc.coordinator.decision-retention} ago. Without it every order ever placed leaves its decision key in
 * every node's memory (about 200 bytes each: a node with a 256 MB heap fills up after some 750,000 orders).
 * <p>
 * Only a finished transaction's decision is forgotten: every participant has acknowledged it, so none is prepared
 * and none will read the key again (one that did would take an empty key for "undecided" and abort). The retention
 * leaves the key to be looked at for a while (the README's tour reads it) and is far longer than a participant's
 * termination takes between seeing itself prepared and reading the key.
 * <p>
 * Transactions are taken in the order of their ids (UUIDs of version 7: their text sorts by time), up to the first
 * one not finished yet, and a single row remembers how far this got, so a pass costs a range of the primary key and
 * a restart goes on where it stopped. A transaction recorded after the mark passed its id (its id was made more than
 * the retention before its record was written) keeps its key: a leak of a few bytes, never a wrong decision. The
 * deletes go first and the mark moves after them, so a crash in between only deletes again what is gone already.
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
     * One pass: forgets what finished before the retention, in batches, up to the first unfinished transaction.
     *
     * @return how many decisions it forgot
     * @throws RuntimeException when consensus-service or the database failed; the next pass goes on from the mark
     */
    int forget() {
        String before = reads.execute(status -> bound());
        int total = 0;
        for (int batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
            String after = reads.execute(status -> through());
            List<String> txIds = reads.execute(status -> finishedBetween(after, before));
            if (txIds.isEmpty()) {
                break;
            }
            register.forget(txIds);
            String last = txIds.getLast();
            writes.execute(status -> advanceTo(last));
            total += txIds.size();
            forgotten.increment(txIds.size());
            if (txIds.size() < BATCH) {
                break;
            }
        }
        if (total > 0) {
            log.debug("forgot the decisions of {} finished transaction(s)", total);
        }
        return total;
    }

    /** Every finished transaction whose id sorts before this may be forgotten. */
    private String bound() {
        String retained = firstIdOf(clock.millis() - retention.toMillis());
        Object oldestUnfinished = entities.createNativeQuery("select min(tx_id) from tx_record where not finished")
                .getSingleResult();
        return oldestUnfinished instanceof String unfinished && unfinished.compareTo(retained) < 0 ? unfinished : retained;
    }

    /** Sorts before every version-7 id made in that millisecond or later, after every one made before it. */
    static String firstIdOf(long millis) {
        return new UUID(Math.max(0, millis) << 16, 0L).toString();
    }

    private String through() {
        return (String) entities.createNativeQuery("select through from forgotten_decisions where id = 1")
                .getSingleResult();
    }

    @SuppressWarnings("unchecked")
    private List<String> finishedBetween(String after, String before) {
        return entities.createNativeQuery("select tx_id from tx_record where tx_id > ?1 and tx_id < ?2 and finished"
                        + " order by tx_id limit ?3")
                .setParameter(1, after).setParameter(2, before).setParameter(3, BATCH)
                .getResultList();
    }

    /** Never backwards, should two passes ever overlap. */
    private int advanceTo(String txId) {
        return entities.createNativeQuery("update forgotten_decisions set through = ?1 where id = 1 and through < ?1")
                .setParameter(1, txId).executeUpdate();
    }
}
