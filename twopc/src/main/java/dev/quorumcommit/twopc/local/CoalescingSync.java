package dev.quorumcommit.twopc.local;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One sync of a file for everyone who is waiting for one: what a database does for its log's fsync (PostgreSQL's
 * WAL flush, etcd's batched fsync). A commit written to the file is on the disk once a sync that <em>started
 * after</em> the write has finished; so a committer takes a {@link #ticket() ticket} once its commit returned and
 * {@link #awaitSynced(long) waits} with it. The first waiter runs the sync on its own thread, for every ticket
 * taken until then; waiters that arrive meanwhile wait for it to end, and then the first of those whose ticket
 * it did not cover runs the next one for all of them. Under load syncs run back to back, each for whatever
 * committed while the one before it ran, and nobody waits for more than two (unless one fails).
 * <p>
 * Written by hand: it is a few dozen lines at the heart of the protocol's durability, and its one rule (a sync
 * covers only what committed before it started) is the whole point.
 */
public final class CoalescingSync {

    private final Runnable sync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private long issued; // the last ticket handed out
    private long synced; // every ticket up to this one is on the disk
    private boolean syncing;
    private long syncs;

    /** @param sync forces the file to the disk, or throws */
    public CoalescingSync(Runnable sync) {
        this.sync = sync;
    }

    /** A ticket for everything that committed before this call. */
    public long ticket() {
        lock.lock();
        try {
            return ++issued;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The last ticket handed out: waiting for it covers every commit that took a ticket before this call, and
     * costs nothing if a sync already did.
     */
    public long lastTicket() {
        lock.lock();
        try {
            return issued;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once everything that committed before {@code ticket} was taken is on the disk, running the sync
     * itself if no one else is. A sync that fails is thrown to the waiter that ran it; the others it would have
     * covered run a sync of their own, so each waiter is told either that its commit is on the disk or that a
     * sync failed for it.
     *
     * @throws IllegalStateException if interrupted while waiting: whether the commit is on the disk is unknown
     */
    public void awaitSynced(long ticket) {
        lock.lock();
        try {
            while (synced < ticket) {
                if (syncing) {
                    finished.await();
                    continue;
                }
                syncing = true;
                long covering = issued;
                boolean ok = false;
                lock.unlock();
                try {
                    sync.run();
                    ok = true;
                } finally {
                    lock.lock();
                    syncing = false;
                    if (ok) {
                        synced = Math.max(synced, covering);
                        syncs++;
                    }
                    finished.signalAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the disk; the commit may not be on it", e);
        } finally {
            lock.unlock();
        }
    }

    /** How many syncs ran successfully since the start. */
    public long syncs() {
        lock.lock();
        try {
            return syncs;
        } finally {
            lock.unlock();
        }
    }
}
