package dev.quorumcommit.order.transaction;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.persistence.EntityManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.coordinator.TransactionLog;
import dev.quorumcommit.twopc.coordinator.TxRecord;

/**
 * The coordinator's log in order-service's H2 file: each call is its own local transaction, durable when it
 * returns, unless it runs inside {@link #atomically}, whose one local transaction it then joins (with the
 * order participant's writes: same database).
 */
@Component
class JpaTransactionLog implements TransactionLog {

    private final EntityManager entities;
    private final TransactionTemplate local;

    JpaTransactionLog(EntityManager entities, TransactionTemplate local) {
        this.entities = entities;
        this.local = local;
    }

    @Override
    public <T> T atomically(Supplier<T> work) {
        return local.execute(status -> work.get());
    }

    @Override
    @Transactional
    public void begin(String txId, List<String> participants, Instant startedAt) {
        entities.persist(new TxRecordRow(txId, participants, startedAt));
    }

    @Override
    @Transactional
    public void recordVote(String txId, String participant, VoteReply vote) {
        row(txId).participant(participant).vote(vote);
    }

    @Override
    @Transactional
    public void recordDecision(String txId, Decision decision, Instant decidedAt) {
        row(txId).decide(decision, decidedAt);
    }

    @Override
    @Transactional
    public void recordAcknowledged(String txId, String participant) {
        TxRecordRow row = row(txId);
        // Inside atomically() the row may carry changes not written yet (the decision): write them before
        // the refresh below reads the row back, or it would throw them away.
        entities.flush();
        // Phase two acknowledges both participants at once, in two local transactions. The locking find
        // queues the second behind the first, but the participants it loaded while waiting are the old
        // ones: "finished" was computed from the other participant's stale flag and stayed false for good,
        // and recovery delivered the decision again every pass, forever. Read them again under the lock.
        entities.refresh(row);
        row.participant(participant).acknowledge();
        row.refreshFinished();
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<TxRecord> find(String txId) {
        return Optional.ofNullable(entities.find(TxRecordRow.class, txId)).map(TxRecordRow::record);
    }

    @Override
    @Transactional(readOnly = true)
    public List<TxRecord> unfinished() {
        return entities.createQuery("select r from TxRecordRow r where r.finished = false order by r.startedAt",
                TxRecordRow.class).getResultList().stream().map(TxRecordRow::record).toList();
    }

    @Transactional(readOnly = true)
    long countUndecided() {
        return entities.createQuery("select count(r) from TxRecordRow r where r.decision is null", Long.class)
                .getSingleResult();
    }

    private TxRecordRow row(String txId) {
        TxRecordRow row = entities.find(TxRecordRow.class, txId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (row == null) {
            throw new IllegalStateException("no transaction record " + txId);
        }
        return row;
    }
}
