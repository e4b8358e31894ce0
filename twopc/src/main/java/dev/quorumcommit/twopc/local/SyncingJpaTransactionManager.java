package dev.quorumcommit.twopc.local;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A JPA transaction manager whose read-write commits are on the disk, not just in the operating system's
 * cache, when they return. H2 writes each commit to its file at once ({@code WRITE_DELAY 0}) but syncs the
 * file only when told to ({@code CHECKPOINT SYNC}): a commit survived a killed process, whose writes the
 * operating system still held, but not a power cut or a kernel crash, after which a participant could have
 * voted YES and hold no reservation, or an order answered CONFIRMED be gone. So after each read-write commit
 * this runs {@code sync}, the way the consensus nodes sync their log before an entry counts.
 * <p>
 * One sync covers every commit written to the file before it, so a {@link GroupCommit group commit} pays one
 * for its whole group. Read-only transactions are not synced: they wrote nothing.
 * <p>
 * If the sync fails, the commit may or may not be on the disk, and the caller is told it failed (a
 * {@link TransactionSystemException}), never that it succeeded: the protocol's steps are idempotent, so a
 * caller that runs its step again, or recovery after it, finds what did commit.
 */
public class SyncingJpaTransactionManager extends JpaTransactionManager {

    private final Runnable sync;
    private final AtomicLong syncs = new AtomicLong();

    /** @param sync forces the database's file to the disk, or throws */
    public SyncingJpaTransactionManager(Runnable sync) {
        this.sync = sync;
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        super.doCommit(status);
        if (status.isReadOnly()) {
            return;
        }
        try {
            sync.run();
        } catch (RuntimeException e) {
            throw new TransactionSystemException("committed, but the database file could not be synced to the disk", e);
        }
        syncs.incrementAndGet();
    }

    /** A template like {@code transactions} for work that only reads: read-only, so its commits are not synced. */
    public static TransactionTemplate forReads(TransactionTemplate transactions) {
        TransactionTemplate reads = new TransactionTemplate(transactions.getTransactionManager(), transactions);
        reads.setReadOnly(true);
        return reads;
    }

    /** How many commits were synced since the start. */
    public long syncs() {
        return syncs.get();
    }
}
