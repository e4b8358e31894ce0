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

    /** Transactions still PREPARED since before the cutoff: the ones termination must resolve. */
    List<BarrierEntry> preparedBefore(Instant cutoff);
}
