package dev.quorumcommit.twopc.participant;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The participant's barrier table, in its own database (dtm's sub-transaction barrier, Seata's TCC
 * fence). Every call happens inside the local transaction that also carries the business effect,
 * so the record and the effect are durable together or not at all.
 */
public interface BarrierStore {

    /** The entry, locked until the end of the local transaction where the store can lock. */
    Optional<BarrierEntry> find(String txId);

    /** Must fail (a unique key) when a concurrent local transaction inserted the same txId first. */
    void insert(BarrierEntry entry);

    void update(BarrierEntry entry);

    /**
     * Phase two's common case in one step: if the transaction's entry is PREPARED, replaces it with {@code next}
     * (locked until the end of the local transaction, like {@link #find}) and answers true. Otherwise changes
     * nothing and answers false, and the caller reads the entry to learn why (a duplicate, a contradiction, an
     * unknown transaction). A database store does this with one conditional update instead of a locking read and
     * a write.
     */
    boolean replacePrepared(BarrierEntry next);

    /** Transactions still PREPARED since before the cutoff: the ones termination must resolve. */
    List<BarrierEntry> preparedBefore(Instant cutoff);

    /** Whether the transaction's entry is PREPARED at this moment: a plain read, outside any local transaction. */
    boolean isPrepared(String txId);
}
