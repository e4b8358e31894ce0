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
     * The ids of every transaction not yet marked {@link #markFinished finished}, oldest first. Ids only: by the
     * time a caller takes one up, the transaction may have moved on, so it reads the record then.
     */
    List<String> unfinishedIds();

    /**
     * Takes the transaction off {@link #unfinishedIds()} if its record is {@link TxRecord#finished() finished}
     * (decided, and acknowledged by every participant), and says whether that changed anything; a record that is
     * not finished is left as it is.
     * <p>
     * Called once every acknowledgement is recorded and durable: by the delivery that saw the last of them, and by
     * recovery for a listed transaction whose record it finds finished (a crash between the last acknowledgement
     * and this). Not computed by each acknowledgement as it is recorded, as it was: that relied on acknowledgements
     * recorded at once, in local transactions of their own, each seeing the others' (a row lock was to make sure),
     * and once, in a system test, a transaction stayed listed for good with its record finished, holding every
     * decision after it that is forgotten in order. Marked by one caller after all of them are durable, it has
     * nothing to race.
     */
    boolean markFinished(String txId);

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
