package dev.quorumcommit.consensus.statemachine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.raft.Snapshot;
import dev.quorumcommit.consensus.raft.SnapshotMetadata;

/**
 * The replicated state: the application's log, the compare-and-set key-value map, and the first
 * answers to idempotency keys. Plain Java and deterministic: the same entries, in the same order,
 * give the same state and the same answers on every replica.
 *
 * <p>Concurrency: one driver thread applies entries; many request threads read (stale reads, log
 * pages, SSE streams). A read-write lock keeps it simple and correct: an apply holds the write lock
 * for microseconds, readers copy what they need out under the read lock and share it. Persistent
 * collections would spare the readers that lock, but at the cost of a copy-on-write map and log
 * for every write; at this service's rates the lock is the cheaper and plainer choice. Readers that
 * wait for new entries (SSE) wait on a separate condition, never holding the read lock.
 */
public final class ReplicatedStateMachine {

    private final StateMachineSettings settings;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ReentrantLock appliedLock = new ReentrantLock();
    private final Condition appliedMoved = appliedLock.newCondition();
    private State state;

    public ReplicatedStateMachine(StateMachineSettings settings) {
        this.settings = settings;
        this.state = new State(settings);
    }

    /**
     * Applies the next committed entry; its index must be {@code lastApplied() + 1} (anything else
     * is a driver bug, and refused with an IllegalStateException, changing nothing).
     */
    public ApplyResult apply(Entry entry) {
        ApplyResult result;
        lock.writeLock().lock();
        try {
            if (entry.index() != state.lastApplied + 1) {
                throw new IllegalStateException("entry " + entry.index() + " applied after " + state.lastApplied
                        + ": entries must be applied in order, each once");
            }
            result = entry.kind() == Entry.Kind.NOOP ? new ApplyResult.NoOp(entry.index()) : Apply.command(state, entry);
            state.lastApplied = entry.index();
            state.lastAppliedTerm = entry.term();
            state.compactBefore(entry.index() - settings.retainedEntries() + 1);
        } finally {
            lock.writeLock().unlock();
        }
        signalApplied();
        return result;
    }

    public Optional<KvEntry> get(String key) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(state.kv.get(key));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Up to {@code limit} applied log records from index {@code from} on. Indexes that hold a
     * key-value write or a no-op have no record, so the indexes of a page may have gaps.
     */
    public LogPage readLog(long from, int limit) {
        lock.readLock().lock();
        try {
            boolean compacted = from < state.firstIndex;
            return new LogPage(compacted ? java.util.List.of() : state.log.from(from, limit),
                    state.firstIndex, state.lastApplied, compacted);
        } finally {
            lock.readLock().unlock();
        }
    }

    public long lastApplied() {
        lock.readLock().lock();
        try {
            return state.lastApplied;
        } finally {
            lock.readLock().unlock();
        }
    }

    public long firstIndex() {
        lock.readLock().lock();
        try {
            return state.firstIndex;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Makes log indexes below {@code index} unreadable (410), never beyond {@code lastApplied() + 1}. */
    public void compactLogBefore(long index) {
        lock.writeLock().lock();
        try {
            state.compactBefore(index);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Whether applying this command would make the idempotency table forget its oldest key before that key's
     * retention ran out: it carries a key not remembered yet, and the table is full even once the command's own
     * {@code proposedAtMillis} has expired what it would. The node refuses such writes until old keys expire; a retry of
     * a remembered key is still answered.
     */
    public boolean wouldForgetAKeyEarly(Command command) {
        if (command.idempotencyKey() == null) {
            return false;
        }
        lock.readLock().lock();
        try {
            return state.idempotency.fullAt(command.proposedAtMillis())
                    && !state.idempotency.remembers(Command.idempotencyScope(command));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The idempotency table's clock: the newest {@code proposedAtMillis} applied, by which keys expire. */
    public long idempotencyClockMillis() {
        lock.readLock().lock();
        try {
            return state.idempotency.clockMillis();
        } finally {
            lock.readLock().unlock();
        }
    }

    public int idempotencyKeyCount() {
        lock.readLock().lock();
        try {
            return state.idempotency.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Everything, as of {@code lastApplied}, with the index and term it includes (for the Raft snapshot). */
    public Snapshot snapshot() {
        return captureSnapshot().get();
    }

    /**
     * Everything as of {@code lastApplied}, captured now (a shallow copy, milliseconds) and encoded when the
     * answer's {@code get()} is called, on whatever thread calls it: the Raft loop captures, the snapshot
     * writer's thread encodes, so applying goes on meanwhile.
     */
    public Supplier<Snapshot> captureSnapshot() {
        lock.readLock().lock();
        try {
            SnapshotMetadata metadata = new SnapshotMetadata(state.lastApplied, state.lastAppliedTerm);
            SnapshotCodec.Frozen frozen = SnapshotCodec.freeze(state);
            return () -> new Snapshot(metadata, frozen.encode());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Replaces everything with a snapshot's data; the state is untouched if the bytes are not a valid snapshot. */
    public void restore(byte[] data) {
        State restored = SnapshotCodec.read(data, settings);
        lock.writeLock().lock();
        try {
            state = restored;
        } finally {
            lock.writeLock().unlock();
        }
        signalApplied();
    }

    /**
     * Waits until {@code lastApplied()} exceeds {@code index}, or the timeout passes; answers
     * {@code lastApplied()} then. For readers that follow the log as it grows.
     */
    public long awaitAppliedBeyond(long index, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        appliedLock.lock();
        try {
            long applied;
            while ((applied = lastApplied()) <= index && nanos > 0) {
                nanos = appliedMoved.awaitNanos(nanos);
            }
            return applied;
        } finally {
            appliedLock.unlock();
        }
    }

    private void signalApplied() {
        appliedLock.lock();
        try {
            appliedMoved.signalAll();
        } finally {
            appliedLock.unlock();
        }
    }
}
