package dev.quorumcommit.consensus.node;

import java.util.function.LongSupplier;

/**
 * The time a leader stamps on what it proposes ({@code proposedAtMillis}), by which the idempotency table forgets its
 * keys. Not the wall clock: the table's clock is the newest stamp applied and never goes back, so a leader whose
 * clock ran a quarter of an hour ahead of its predecessor's (a wrong clock, an NTP step) would move it on by as much
 * with its first entry, and every key written in that quarter of an hour would be forgotten at once: a client's retry
 * of a write from a minute before, usual right after a failover, would be applied twice.
 * <p>
 * So in each term a node starts from the table's own clock and moves on by its monotonic clock: the table's time runs
 * no faster than real time, whatever any node's wall clock says. What it loses (the time between two leaders, a new
 * leader's entries not applied yet) only keeps keys longer than their retention, never shorter.
 */
final class ProposalClock {

    private final LongSupplier tableClockMillis;
    private final LongSupplier nanoTime;
    private long term = -1;
    private long startMillis;
    private long startNanos;

    /**
     * @param tableClockMillis the idempotency table's clock: the newest stamp this node has applied
     * @param nanoTime         a monotonic clock ({@code System::nanoTime})
     */
    ProposalClock(LongSupplier tableClockMillis, LongSupplier nanoTime) {
        this.tableClockMillis = tableClockMillis;
        this.nanoTime = nanoTime;
    }

    /** The stamp for a command proposed now, while this node leads {@code currentTerm}. */
    synchronized long stamp(long currentTerm) {
        if (currentTerm != term) {
            term = currentTerm;
            startMillis = tableClockMillis.getAsLong();
            startNanos = nanoTime.getAsLong();
        }
        return startMillis + (nanoTime.getAsLong() - startNanos) / 1_000_000;
    }
}
