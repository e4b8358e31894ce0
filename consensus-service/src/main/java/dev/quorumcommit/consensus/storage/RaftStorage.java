package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.raft.HardState;
import dev.quorumcommit.consensus.raft.Snapshot;
import dev.quorumcommit.consensus.raft.SnapshotMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable state of one Raft node in a data directory: the log in segment files under {@code log/}, the hard state
 * in {@code hardstate}, snapshots under {@code snapshots/}, all guarded by an OS lock on {@code LOCK}.
 *
 * <p>Appends and hard-state changes count only once {@link #sync()} returns: the driver persists a whole batch,
 * syncs once, and only then sends or applies anything. Used by one driver thread; not thread-safe.
 * Any I/O failure leaves it failed for good (see {@link StorageException}).
 */
public final class RaftStorage implements AutoCloseable {

    static final String LOG_DIR = "log";
    static final String SNAPSHOT_DIR = "snapshots";

    private final Path dir;
    private final DirectoryLock lock;
    private final HardStateFile hardState;
    private final SnapshotFiles snapshots;
    private final SegmentedLog log;
    private final RecentEntries recent;
    private final RecoveredState recovered;
    private SnapshotMetadata snapshot;
    private long syncFsyncs;
    private Throwable failure;
    private boolean closed;

    private RaftStorage(Path dir, DirectoryLock lock, HardStateFile hardState, SnapshotFiles snapshots, SegmentedLog log,
                        RecentEntries recent, RecoveredState recovered) {
        this.dir = dir;
        this.lock = lock;
        this.hardState = hardState;
        this.snapshots = snapshots;
        this.log = log;
        this.recent = recent;
        this.recovered = recovered;
        this.snapshot = recovered.snapshot() == null ? SnapshotMetadata.EMPTY : recovered.snapshot().metadata();
    }

    public static RaftStorage open(Path dir) {
        return open(dir, StorageOptions.DEFAULTS);
    }

    /** Locks {@code dir}, creates what is missing, and recovers; see {@link #recovered()} for what was found. */
    public static RaftStorage open(Path dir, StorageOptions options) {
        Path absolute = dir.toAbsolutePath().normalize();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Files.createDirectories(absolute);
            DirectoryLock lock = DirectoryLock.acquire(absolute);
            opened.add(lock);
            HardStateFile hardState = HardStateFile.open(absolute);
            opened.add(hardState);
            SnapshotFiles.Loaded snapshots = SnapshotFiles.open(absolute.resolve(SNAPSHOT_DIR));
            SnapshotMetadata covered = snapshots.newest() == null ? SnapshotMetadata.EMPTY : snapshots.newest().metadata();
            SegmentedLog.Opened log = SegmentedLog.open(absolute.resolve(LOG_DIR), options, covered.lastIncludedIndex(), covered.lastIncludedTerm());
            opened.add(log.log());
            // The new files' directory entries are fsynced where they are made; this makes the directories themselves stay.
            Fsync.directory(absolute);
            List<String> repairs = new ArrayList<>(snapshots.skipped());
            repairs.addAll(log.repairs());
            RecentEntries recent = new RecentEntries(options.cachedEntries(), options.cachedBytes());
            recent.clear(log.log().lastIndex() + 1);
            RecoveredState state = new RecoveredState(hardState.current(), snapshots.newest(), log.entries(), log.tornTail(), repairs);
            return new RaftStorage(absolute, lock, hardState, snapshots.files(), log.log(), recent, state);
        } catch (IOException e) {
            closeAll(opened, e);
            throw new StorageException("cannot open storage in " + absolute + ": " + e, e);
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /** What the directory held when it was opened. */
    public RecoveredState recovered() {
        return recovered;
    }

    /**
     * Appends contiguous entries. If the first one is at or before the last stored index, the stored log is first cut
     * from there (a leader overwriting a conflicting suffix). Not durable until {@link #sync()}.
     */
    public void append(List<Entry> entries) {
        checkUsable();
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.getFirst().index();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.index() != first + i) {
                throw new IllegalArgumentException("entries to append must be contiguous: " + entry + " follows " + entries.get(i - 1));
            }
            if (i > 0 && entry.term() < entries.get(i - 1).term()) {
                throw new IllegalArgumentException("terms in the log never go back: " + entry + " follows " + entries.get(i - 1));
            }
            RecordCodec.checkEncodable(entry);
        }
        if (first > lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + first + " would leave a gap after the last index " + lastIndex());
        }
        if (first <= snapshot.lastIncludedIndex()) {
            throw new IllegalArgumentException("append at " + first + " would rewrite entries the snapshot at " + snapshot.lastIncludedIndex() + " already covers");
        }
        if (first < log.firstIndex()) {
            throw new IllegalArgumentException("append at " + first + " is before the first stored index " + log.firstIndex());
        }
        long previousTerm = term(first - 1);
        if (entries.getFirst().term() < previousTerm) {
            throw new IllegalArgumentException("terms in the log never go back: " + entries.getFirst() + " follows term " + previousTerm);
        }
        try {
            log.append(entries);
        } catch (IOException e) {
            throw fail("append of entries " + first + ".." + entries.getLast().index(), e);
        }
        recent.truncateFrom(first);
        recent.append(entries);
    }

    /** Records the hard state to write at the next {@link #sync()}; a state equal to the stored one costs nothing. */
    public void setHardState(HardState state) {
        checkUsable();
        hardState.set(state);
    }

    public HardState hardState() {
        return hardState.current();
    }

    /**
     * Makes every append and hard-state change since the last sync durable: an fdatasync of the active segment (if
     * anything was appended), of its directory (if a segment was created), then of the hard state (if it changed).
     * The log goes first so that a stored commit index never points past the stored log.
     */
    public void sync() {
        checkUsable();
        try {
            syncFsyncs += log.sync();
            syncFsyncs += hardState.sync();
        } catch (IOException e) {
            throw fail("sync", e);
        }
    }

    /**
     * Stores a snapshot durably, then, if the log does not hold its last included entry with the same term (it was
     * installed from a leader), drops the whole log so that it starts right after the snapshot.
     * Entries the snapshot covers stay until {@link #compact(long)}.
     */
    public void saveSnapshot(Snapshot snapshot) {
        if (snapshot.metadata().lastIncludedIndex() < this.snapshot.lastIncludedIndex()) {
            throw new IllegalArgumentException("snapshot at " + snapshot.metadata().lastIncludedIndex()
                    + " is older than the stored one at " + this.snapshot.lastIncludedIndex());
        }
        writeSnapshotFile(snapshot);
        adoptSnapshot(snapshot.metadata());
    }

    /**
     * The slow half of {@link #saveSnapshot}: writes the snapshot's file durably, and nothing else, so that it may run
     * on a thread of its own while the driver goes on. The snapshot counts only once {@link #adoptSnapshot} is called
     * with it; a crash in between leaves a valid snapshot file that a restart may start from, with the log it covers.
     */
    public void writeSnapshotFile(Snapshot snapshot) {
        checkUsable();
        try {
            snapshots.save(snapshot);
        } catch (IOException e) {
            throw fail("save of snapshot " + snapshot.metadata(), e);
        }
    }

    /** Makes a snapshot whose file {@link #writeSnapshotFile} wrote the stored one; an older one than stored is ignored. */
    public void adoptSnapshot(SnapshotMetadata metadata) {
        checkUsable();
        if (metadata.lastIncludedIndex() < this.snapshot.lastIncludedIndex()) {
            return;
        }
        this.snapshot = metadata;
        if (!log.continuesFrom(metadata.lastIncludedIndex(), metadata.lastIncludedTerm())) {
            try {
                log.reset(metadata.lastIncludedIndex() + 1);
            } catch (IOException e) {
                throw fail("reset of the log after snapshot " + metadata, e);
            }
            recent.clear(metadata.lastIncludedIndex() + 1);
        }
    }

    /**
     * Deletes whole segments whose entries are all at or before {@code upToIndex} and covered by the stored snapshot;
     * the segment being written is never deleted. Returns how many segments went.
     */
    public int compact(long upToIndex) {
        checkUsable();
        try {
            return log.compact(Math.min(upToIndex, snapshot.lastIncludedIndex()));
        } catch (IOException e) {
            throw fail("compaction up to " + upToIndex, e);
        }
    }

    /** The stored entries {@code [from, toExclusive)}, from memory when recent, otherwise with one read per segment. */
    public List<Entry> entries(long from, long toExclusive) {
        checkUsable();
        if (from < log.firstIndex() || toExclusive > lastIndex() + 1 || from > toExclusive) {
            throw new IndexOutOfBoundsException("entries [" + from + ", " + toExclusive + ") are not all stored; the log holds ["
                    + log.firstIndex() + ", " + lastIndex() + "]");
        }
        if (recent.holds(from, toExclusive)) {
            return recent.get(from, toExclusive);
        }
        try {
            return log.read(from, toExclusive);
        } catch (IOException e) {
            throw fail("read of entries [" + from + ", " + toExclusive + ")", e);
        }
    }

    /** The first index still stored in the log; entries before it are only in the snapshot. May be at or before the snapshot's index until compaction. */
    public long firstIndex() {
        return log.firstIndex();
    }

    /** The last stored index, or the snapshot's index if the log holds nothing after it. */
    public long lastIndex() {
        return Math.max(log.lastIndex(), snapshot.lastIncludedIndex());
    }

    /** The term of the entry at {@code index}, including the snapshot's last included one, and 0 for index 0. */
    public long term(long index) {
        checkUsable();
        long term = log.termOrMinusOne(index);
        if (term >= 0) {
            return term;
        }
        if (index == snapshot.lastIncludedIndex()) {
            return snapshot.lastIncludedTerm();
        }
        throw new IndexOutOfBoundsException("the term of index " + index + " is not stored; the log holds ["
                + log.firstIndex() + ", " + log.lastIndex() + "] after snapshot " + snapshot.lastIncludedIndex());
    }

    /**
     * How many fsyncs {@link #sync()} has issued since open: a figure for metrics, and the proof that batching works.
     * Not counted: the one fdatasync per segment roll (about every 64 MiB), and those of conflict cuts and snapshots.
     */
    public long syncFsyncs() {
        return syncFsyncs;
    }

    /** The stored snapshot's metadata, {@link SnapshotMetadata#EMPTY} if none. */
    public SnapshotMetadata snapshotMetadata() {
        return snapshot;
    }

    /** Releases the files and the lock. Does not sync: whatever was not synced may be lost, as in a crash. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> all = List.of(lock, hardState, log);
        StorageException failure = new StorageException("closing storage in " + dir + " failed");
        closeAll(all, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("storage in " + dir + " is closed");
        }
        if (failure != null) {
            throw new StorageException("storage in " + dir + " failed earlier and must be reopened: " + failure, failure);
        }
    }

    private StorageException fail(String what, IOException e) {
        failure = e;
        return new StorageException(what + " failed in " + dir + "; the storage is unusable until reopened: " + e, e);
    }

    private static void closeAll(List<AutoCloseable> resources, Exception failure) {
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
