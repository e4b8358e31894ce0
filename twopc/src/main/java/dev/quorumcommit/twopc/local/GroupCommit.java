package dev.quorumcommit.twopc.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

import jakarta.persistence.EntityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.twopc.local.SyncingJpaTransactionManager.Committed;

/**
 * Group commit for a service's local transactions: units of work handed in by many threads at once run
 * one after the other in a single local transaction, and every caller gets its answer once that one
 * transaction is durable. It is what a database does for its own log, and what the Raft driver does
 * for its appends, applied to the 2PC bookkeeping: each local transaction costs its statements' fixed
 * share (Hibernate's flush, H2's commit, the row locks), and one transaction for thirty orders costs far
 * less than thirty.
 * <p>
 * With a {@link SyncingJpaTransactionManager} the committer thread does not wait for the disk: it hands
 * each caller its result with the commit's sync ticket and goes on with the next group, while the callers,
 * on their own threads, wait for a sync that covers them (one for all of them, {@link CoalescingSync}). So
 * the next group's statements run while the disk syncs the last one's, and a caller still returns only once
 * its unit is on the disk.
 * <p>
 * Semantics are those of running each unit in a transaction of its own, in arrival order:
 * <ul>
 * <li>Each unit sees what the units before it wrote (same transaction); {@code betweenUnits} (JPA: flush
 * and clear) runs after each, so a unit's writes reach the database, and its failures surface, before
 * the next one starts, and no unit works in a persistence context the others filled.</li>
 * <li>If any unit throws, or the shared commit fails, the whole group rolls back and every unit of it is
 * run again alone, in its own transaction: each caller then gets exactly the answer or the exception
 * it would have had without grouping (a duplicate key, a conflicting decision), and one bad unit costs
 * the others only time. So a unit must do nothing but local database work: it may run twice, and only
 * the transaction that commits counts.</li>
 * <li>A caller already inside a transaction runs its unit there and then (joining it, as Spring's
 * default propagation would), never waiting for the committer thread it might be running on.</li>
 * </ul>
 * Units run on one platform thread, so the service's hot rows (inventory's SKU row) are locked by one
 * transaction at a time instead of by thirty queued on each other.
 */
public class GroupCommit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private final TransactionTemplate transactions;
    private final SyncingJpaTransactionManager syncing; // null if the manager does not sync
    private final Runnable betweenUnits;
    private final int maxUnits;
    private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final Thread committer;
    private final Unit<Void> stop = new Unit<>(() -> null, null); // handed in by close(): the committer ends there
    private volatile boolean closed;

    /**
     * @param betweenUnits run inside the group's transaction after each unit (JPA: {@code flush(); clear()})
     * @param maxUnits     the most units one transaction takes, so that one commit does not keep the
     *                     units queued behind it waiting for long
     */
    public GroupCommit(String name, TransactionTemplate transactions, Runnable betweenUnits, int maxUnits) {
        if (maxUnits < 1) {
            throw new IllegalArgumentException("maxUnits must be at least 1");
        }
        this.transactions = transactions;
        this.syncing = transactions.getTransactionManager() instanceof SyncingJpaTransactionManager manager ? manager : null;
        this.betweenUnits = betweenUnits;
        this.maxUnits = maxUnits;
        this.committer = Thread.ofPlatform().name("group-commit-" + name).daemon().start(this::commitLoop);
    }

    /**
     * For a service that keeps its data with JPA: after each unit its changes are flushed (a duplicate key
     * fails there, in that unit) and the persistence context cleared, so that each unit costs what it would
     * alone rather than dirty-checking every entity the units before it loaded.
     *
     * @param entities the shared (transaction-bound) EntityManager
     */
    public static GroupCommit forJpa(String name, TransactionTemplate transactions, EntityManager entities,
            int maxUnits) {
        return new GroupCommit(name, transactions, () -> {
            entities.flush();
            entities.clear();
        }, maxUnits);
    }

    /**
     * Runs work in a local transaction, shared with whatever other units are waiting, and returns its
     * result once that transaction committed and is on the disk. Its exceptions reach the caller as they
     * were thrown.
     */
    public <T> T execute(Supplier<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return work.get(); // the caller's transaction commits it, and syncs as its manager does
        }
        if (closed) {
            throw new IllegalStateException("group commit is closed");
        }
        Unit<T> unit = new Unit<>(work, MDC.getCopyOfContextMap());
        queue.add(unit);
        if (closed && queue.remove(unit)) {
            throw new IllegalStateException("group commit is closed");
        }
        T result = unit.await();
        if (syncing != null) {
            syncing.awaitSynced(unit.ticket);
        }
        return result;
    }

    /** Units handed in and not yet started: for tests that need a group to form. */
    int waiting() {
        return queue.size();
    }

    /** Lets the unit running finish, then fails every unit still waiting. */
    @Override
    public void close() {
        closed = true;
        queue.add(stop);
        try {
            committer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Unit<?> unit; (unit = queue.poll()) != null; ) {
            unit.result.completeExceptionally(new IllegalStateException("group commit is closed"));
        }
    }

    private void commitLoop() {
        List<Unit<?>> group = new ArrayList<>();
        while (true) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(group, maxUnits - 1);
            boolean stopping = group.remove(stop);
            if (stopping) {
                queue.addAll(group); // failed by close(), which is waiting for this thread to end
                return;
            }
            try {
                commit(group);
            } catch (Throwable e) { // the loop must outlive anything a unit throws, Errors included
                log.error("group commit failed unexpectedly; its units are failed", e);
                group.forEach(u -> u.result.completeExceptionally(e));
            }
            group.clear();
        }
    }

    private void commit(List<Unit<?>> group) {
        if (group.size() > 1) {
            try {
                long ticket = commitWithoutWaiting(() -> transactions.execute(status -> {
                    for (Unit<?> unit : group) {
                        unit.runInGroup();
                        betweenUnits.run();
                    }
                    return null;
                })).ticket();
                group.forEach(unit -> unit.completeWithGroupResult(ticket));
                return;
            } catch (RuntimeException | Error e) {
                log.debug("a group of {} rolled back ({}); running each of its units alone", group.size(), e.toString());
            }
        }
        for (Unit<?> unit : group) {
            unit.runAlone();
        }
    }

    /** Runs the transaction, and returns its result with the ticket to wait for before its commit counts. */
    private <R> Committed<R> commitWithoutWaiting(Supplier<R> transaction) {
        return syncing == null ? new Committed<>(transaction.get(), 0) : syncing.commitWithoutWaiting(transaction);
    }

    private final class Unit<T> {

        private final Supplier<T> work;
        private final Map<String, String> mdc;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private T groupResult;
        private long ticket; // written before result completes, read after: the future orders the two

        Unit(Supplier<T> work, Map<String, String> mdc) {
            this.work = work;
            this.mdc = mdc;
        }

        void runInGroup() {
            groupResult = withCallersMdc(work);
        }

        void completeWithGroupResult(long groupTicket) {
            ticket = groupTicket;
            result.complete(groupResult);
        }

        void runAlone() {
            try {
                Committed<T> alone = commitWithoutWaiting(() -> transactions.execute(status -> withCallersMdc(work)));
                ticket = alone.ticket();
                result.complete(alone.result());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }

        private T withCallersMdc(Supplier<T> supplier) {
            if (mdc == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(mdc);
            }
            try {
                return supplier.get();
            } finally {
                MDC.clear();
            }
        }

        T await() {
            try {
                return result.get();
            } catch (InterruptedException e) {
                // The unit may still commit: the caller only stops waiting for it, as with a timed-out call.
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a local commit", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(cause);
            }
        }
    }
}
