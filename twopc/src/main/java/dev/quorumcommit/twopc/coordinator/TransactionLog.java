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
     * time a caller takes one up, the transaction may have moved on, so it reads the record then. Best read from
     * the records themselves (undecided, or owed an acknowledgement) rather than from a "finished" mark kept beside
     * them: a mark that once stayed behind its record lists the transaction for good.
     */
    List<String> unfinishedIds();

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
