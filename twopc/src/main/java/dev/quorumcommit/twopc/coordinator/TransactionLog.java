package dev.quorumcommit.twopc.coordinator;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.VoteReply;

/**
 * The coordinator's durable memory, implemented by the service that hosts it (order-service
 * with JPA). Each method must be durable when it returns: recovery after a crash reads only this.
 */
public interface TransactionLog {

    /** Written before the first prepare, so that a crash during prepare leaves a trace recovery can finish. */
    void begin(String txId, List<String> participants, Instant startedAt);

    void recordVote(String txId, String participant, VoteReply vote);

    /**
     * The first decision recorded stays: the register never changes it, so neither does the log. With it, the
     * acknowledgements of the participants that applied it in the same {@link #atomically local transaction}
     * (the {@link Branch#local local} ones; none for recovery): one write of the record where the decision and
     * then each acknowledgement were one each.
     */
    void recordDecision(String txId, Decision decision, Instant decidedAt, Collection<String> appliedBy);

    void recordAcknowledged(String txId, String participant);

    Optional<TxRecord> find(String txId);

    /**
     * The ids of every transaction not yet {@link TxRecord#finished() finished}, oldest first. Ids only: by the
     * time a caller takes one up, the transaction may have moved on, so it reads the record then.
     */
    List<String> unfinishedIds();

    /**
     * For a log that keeps "finished" apart from the record it follows from (a column, an index): marks the
     * transaction finished there if its record is, and says whether that changed anything. Recovery calls it for a
     * transaction {@link #unfinishedIds()} listed whose record it then found finished: a list that stayed behind its
     * record would hold the transaction, and every decision after it that is forgotten in order, for good. A log
     * that derives the list from the records has nothing to mark.
     */
    default boolean markFinished(String txId) {
        return false;
    }

    /**
     * Runs work as one local transaction of the log's database: everything it records, and whatever a
     * {@link Branch#local local} participant writes in the same database, is durable together when this
     * returns, or none of it is. The coordinator uses it to record a transaction together with its local
     * participant's prepare, and its decision together with that participant's commit or abort: one commit
     * each instead of four. A log whose every call is durable on its own may simply run the work.
     */
    default <T> T atomically(Supplier<T> work) {
        return work.get();
    }
}
