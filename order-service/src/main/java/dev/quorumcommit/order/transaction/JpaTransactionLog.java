package dev.quorumcommit.order.transaction;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.persistence.EntityManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.Reasons;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.coordinator.TransactionLog;
import dev.quorumcommit.twopc.coordinator.TxRecord;
import dev.quorumcommit.twopc.local.GroupCommit;

/**
 * The coordinator's log in order-service's H2 file: each call is its own local transaction, durable when it
 * returns, unless it runs inside {@link #atomically}, whose one local transaction it then joins (with the
 * order participant's writes: same database). That transaction is a {@link GroupCommit group commit}: the
 * steps of many orders placed at once share one H2 commit.
 */
@Component
class JpaTransactionLog implements TransactionLog {

    private final EntityManager entities;
    private final GroupCommit groupCommit;

    JpaTransactionLog(EntityManager entities, GroupCommit groupCommit) {
        this.entities = entities;
        this.groupCommit = groupCommit;
    }

    @Override
    public <T> T atomically(Supplier<T> work) {
        return groupCommit.execute(work);
    }

    @Override
    @Transactional
    public void begin(String txId, List<String> participants, Instant startedAt) {
        entities.persist(new TxRecordRow(txId, participants, startedAt));
    }

    /** A plain statement, not an entity load: it runs for every participant of every transaction. */
    @Override
    @Transactional
    public void recordVote(String txId, String participant, VoteReply vote) {
        String reason = Reasons.fit(vote.reason());
        int updated = entities.createNativeQuery(
                        "update tx_participant set vote = ?1, reason = ?2 where tx_id = ?3 and name = ?4")
                .setParameter(1, vote.vote().name()).setParameter(2, reason)
                .setParameter(3, txId).setParameter(4, participant).executeUpdate();
        if (updated != 1) {
            throw new IllegalStateException("no participant " + participant + " in " + txId);
        }
    }

    /**
     * The first decision recorded stays: the register never changes it, so neither does the log. The participants
     * that applied the decision in this local transaction are marked with it.
     */
    @Override
    @Transactional
    public void recordDecision(String txId, Decision decision, Instant decidedAt, Collection<String> appliedBy) {
        int updated = entities.createNativeQuery("update tx_record set decision = coalesce(decision, ?1),"
                        + " decided_at = coalesce(decided_at, ?2) where tx_id = ?3")
                .setParameter(1, decision.name()).setParameter(2, decidedAt).setParameter(3, txId).executeUpdate();
        if (updated != 1) {
            throw new IllegalStateException("no transaction record " + txId);
        }
        appliedBy.forEach(participant -> recordAcknowledged(txId, participant));
    }

    /**
     * One plain statement, no entity graph: the background acknowledgement of every order was a whole local
     * transaction of locking finds, a refresh and dirty checks (14 % of order-service's CPU in a profile).
     */
    @Override
    @Transactional
    public void recordAcknowledged(String txId, String participant) {
        int updated = entities.createNativeQuery(
                        "update tx_participant set acknowledged = true where tx_id = ?1 and name = ?2")
                .setParameter(1, txId).setParameter(2, participant).executeUpdate();
        if (updated != 1) {
            throw new IllegalStateException("no participant " + participant + " in " + txId);
        }
    }

    /**
     * The flag {@link #unfinishedIds} selects by, through its index, set once, by a statement that checks the rows
     * it follows from: it cannot mark a transaction that is undecided or still owed an acknowledgement.
     */
    @Override
    @Transactional
    public boolean markFinished(String txId) {
        return entities.createNativeQuery("update tx_record set finished = true where tx_id = ?1 and not finished"
                        + " and decision is not null and not exists ("
                        + "select 1 from tx_participant p where p.tx_id = ?1 and not p.acknowledged)")
                .setParameter(1, txId).executeUpdate() == 1;
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<TxRecord> find(String txId) {
        return Optional.ofNullable(entities.find(TxRecordRow.class, txId)).map(TxRecordRow::record);
    }

    @Override
    @Transactional(readOnly = true)
    public List<String> unfinishedIds() {
        return entities.createQuery("select r.txId from TxRecordRow r where r.finished = false order by r.startedAt",
                String.class).getResultList();
    }

    @Transactional(readOnly = true)
    long countUndecided() {
        return entities.createQuery("select count(r) from TxRecordRow r where r.decision is null", Long.class)
                .getSingleResult();
    }
}
