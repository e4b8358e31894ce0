package dev.quorumcommit.twopc.local;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A JPA transaction manager whose commits are on the disk, not just in memory or the operating system's cache,
 * before anyone hears of them. H2 keeps a commit in memory until its background writer (or a sync) writes it to
 * the file, and syncs the file only when told to: so a kill -9 could take back a commit the protocol had acted on
 * (a YES vote, an order answered CONFIRMED), and a power cut one that was written. So after each read-write commit
 * this waits for a sync that writes the file and forces it to the disk ({@link H2FileSync}), the way the consensus
 * nodes sync their log before an entry counts.
 * <p>
 * Syncs are shared ({@link CoalescingSync}): one covers every commit made before it started, so commits that
 * return together wait for one sync, and a {@link GroupCommit group commit} pays one for its whole group. A caller
 * that has something better to do than wait can {@link #commitWithoutWaiting commit without waiting} and
 * {@link #awaitSynced wait} later, before anyone acts on the commit: the group commit's thread goes on with the
 * next group that way while its callers wait for the disk.
 * <p>
 * A read-only transaction wrote nothing, but it may have read another's commit that is not on the disk yet (its
 * committer still waiting): so it returns only once every commit it could have seen is synced, and what a read
 * shows, a crash cannot take back. That costs a read nothing when no commit is waiting for the disk, and at most
 * one sync when one is: the PostgreSQL way (a commit becomes visible only once its log is flushed), paid by the
 * reader instead of the writer.
 * <p>
 * If the sync fails, the commit may or may not be on the disk, and the caller is told it failed (a
 * {@link TransactionSystemException}), never that it succeeded: the protocol's steps are idempotent, so a
 * caller that runs its step again, or recovery after it, finds what did commit. In the services the failed sync
 * halts the process right after it is thrown ({@link FailStop}): what a file holds after a failed fsync is unknown.
 */
public class SyncingJpaTransactionManager extends JpaTransactionManager {

    private final CoalescingSync disk;
    /** Set while {@link #commitWithoutWaiting} runs: the ticket its commits must wait for, instead of waiting. */
    private final ThreadLocal<long[]> deferredTicket = new ThreadLocal<>();
    /** Read-write commits between the start of their commit and their ticket: visible, but not yet ticketed. */
    private final AtomicInteger committing = new AtomicInteger();

    /** @param sync forces the database's file to the disk, or throws */
    public SyncingJpaTransactionManager(Runnable sync) {
        this.disk = new CoalescingSync(sync);
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        if (status.isReadOnly()) {
            super.doCommit(status);
            awaitSynced(seenByReads());
            return;
        }
        long ticket;
        committing.incrementAndGet();
        try {
            super.doCommit(status);
            ticket = disk.ticket();
        } finally {
            committing.decrementAndGet();
        }
        long[] deferred = deferredTicket.get();
        if (deferred != null) {
            deferred[0] = Math.max(deferred[0], ticket);
        } else {
            awaitSynced(ticket);
        }
    }

    /**
     * Runs {@code work}, whose transactions this manager commits on this thread, and returns as soon as they
     * committed, with the ticket for {@link #awaitSynced}: until that returned, what they wrote may not be on
     * the disk, and nothing may be done on the strength of it.
     *
     * Not meant to be nested: a commit after a nested call returned would wait for its sync as usual, which is
     * never wrong, only slower.
     *
     * @return the result and the ticket (0 if nothing read-write committed)
     */
    public <T> Committed<T> commitWithoutWaiting(Supplier<T> work) {
        long[] ticket = {0};
        deferredTicket.set(ticket);
        try {
            return new Committed<>(work.get(), ticket[0]);
        } finally {
            deferredTicket.remove();
        }
    }

    /**
     * The ticket that covers every commit a read that just ended could have seen: the last one handed out, or,
     * while a commit is between its end and its ticket, a new one (the sync it waits for starts after now).
     */
    private long seenByReads() {
        return committing.get() > 0 ? disk.ticket() : disk.lastTicket();
    }

    /** Returns once the commits that {@code ticket} stands for are on the disk; a ticket of 0 stands for none. */
    public void awaitSynced(long ticket) {
        try {
            disk.awaitSynced(ticket);
        } catch (RuntimeException e) {
            throw new TransactionSystemException("committed, but the database file could not be synced to the disk", e);
        }
    }

    /**
     * A template like {@code transactions} for work that only reads: read-only, so it syncs nothing of its own,
     * only waits, if need be, for the commits it could have seen.
     */
    public static TransactionTemplate forReads(TransactionTemplate transactions) {
        TransactionTemplate reads = new TransactionTemplate(transactions.getTransactionManager(), transactions);
        reads.setReadOnly(true);
        return reads;
    }

    /** How many syncs ran since the start (one may have covered many commits). */
    public long syncs() {
        return disk.syncs();
    }

    /** What {@link #commitWithoutWaiting} returns: the work's result, and the ticket to wait for. */
    public record Committed<T>(T result, long ticket) {
    }
}
