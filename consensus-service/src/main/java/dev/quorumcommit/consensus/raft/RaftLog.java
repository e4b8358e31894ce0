package dev.quorumcommit.consensus.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The log as this node sees it: a snapshot (or compaction) point, the entries after it in memory,
 * how far they are durable, committed and applied.
 *
 * <p>Invariants: {@code offsetIndex <= applied <= committed <= lastIndex()} and
 * {@code stableIndex <= lastIndex()}. Entries above {@code stableIndex} are "unstable": handed to
 * the driver in the next {@link Ready} and durable after its {@link RaftNode#advance(Ready)}.
 */
final class RaftLog {

    /** Returned by {@link #term(long)} for an index this log cannot tell: compacted away or beyond its end. */
    static final long UNKNOWN = -1;

    private long offsetIndex;
    private long offsetTerm;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long stableIndex;
    private long committed;
    private long applied;
    private Snapshot unstableSnapshot;

    /** Restores the log from what storage holds: a snapshot (or null), the entries after it, the commit index. */
    RaftLog(Snapshot snapshot, List<Entry> stored, long committed) {
        SnapshotMetadata meta = snapshot == null ? SnapshotMetadata.EMPTY : snapshot.metadata();
        this.offsetIndex = meta.lastIncludedIndex();
        this.offsetTerm = meta.lastIncludedTerm();
        for (Entry e : stored) {
            if (e.index() <= offsetIndex) {
                continue; // storage may keep entries that the snapshot already covers
            }
            if (e.index() != lastIndex() + 1) {
                throw new IllegalArgumentException("stored entries are not contiguous after index " + lastIndex() + ": " + e);
            }
            entries.add(e);
        }
        this.stableIndex = lastIndex();
        this.applied = offsetIndex;
        if (committed > lastIndex()) {
            throw new IllegalArgumentException("stored commit index " + committed + " is beyond the stored log " + lastIndex());
        }
        this.committed = Math.max(committed, offsetIndex);
    }

    long offsetIndex() {
        return offsetIndex;
    }

    long firstIndex() {
        return offsetIndex + 1;
    }

    long lastIndex() {
        return offsetIndex + entries.size();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    long stableIndex() {
        return stableIndex;
    }

    long term(long index) {
        if (index == offsetIndex) {
            return offsetTerm;
        }
        if (index < offsetIndex || index > lastIndex()) {
            return UNKNOWN;
        }
        return entries.get((int) (index - offsetIndex - 1)).term();
    }

    Entry entry(long index) {
        return entries.get((int) (index - offsetIndex - 1));
    }

    boolean matchTerm(long index, long term) {
        return term(index) == term;
    }

    /** Raft paper 5.4.1: a log is at least as up to date if its last term is higher, or equal with a last index at least as long. */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        return lastTerm > lastTerm() || (lastTerm == lastTerm() && lastIndex >= lastIndex());
    }

    /** The first index of the run of {@code term} entries that ends at {@code index}. */
    long firstIndexOfTermAt(long index) {
        long term = term(index);
        long i = index;
        while (i - 1 > offsetIndex && term(i - 1) == term) {
            i--;
        }
        return i;
    }

    /** The last index at or below {@code atOrBelow} holding {@code term}, or {@link #UNKNOWN}. */
    long lastIndexOfTerm(long term, long atOrBelow) {
        for (long i = Math.min(atOrBelow, lastIndex()); i > offsetIndex; i--) {
            long t = term(i);
            if (t == term) {
                return i;
            }
            if (t < term) {
                return UNKNOWN; // terms only grow along a log
            }
        }
        return UNKNOWN;
    }

    /** Entries from {@code from} up to the end, at most {@code maxCount} of them and about {@code maxBytes}, always at least one. */
    List<Entry> slice(long from, int maxCount, long maxBytes) {
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i <= lastIndex() && out.size() < maxCount; i++) {
            Entry e = entry(i);
            bytes += e.command().length;
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /** A leader appends its own entries (Raft paper 5.3: a leader never overwrites its log). */
    void append(Entry e) {
        if (e.index() != lastIndex() + 1) {
            throw new IllegalStateException("append at " + e.index() + " after last index " + lastIndex());
        }
        entries.add(e);
    }

    /**
     * The follower's consistency check and append (Raft paper, figure 2, AppendEntries receiver 2-5).
     * Returns the last index known to match the leader, or {@link #UNKNOWN} if the log does not hold
     * {@code prevIndex} in {@code prevTerm}. Entries already present are kept: a stale, reordered
     * append must never cut entries a newer append added (only a real conflict truncates).
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> newEntries) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return UNKNOWN;
        }
        for (Entry e : newEntries) {
            long t = term(e.index());
            if (t == e.term()) {
                continue;
            }
            if (t != UNKNOWN) {
                truncateFrom(e.index());
            }
            entries.add(e);
        }
        long lastNew = prevIndex + newEntries.size();
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    private void truncateFrom(long index) {
        if (index <= committed) {
            throw new IllegalStateException("refusing to truncate committed entry " + index + " (committed " + committed + ")");
        }
        entries.subList((int) (index - offsetIndex - 1), entries.size()).clear();
        stableIndex = Math.min(stableIndex, index - 1);
    }

    void commitTo(long index) {
        if (index <= committed) {
            return; // the commit index never goes back
        }
        if (index > lastIndex()) {
            throw new IllegalStateException("commit index " + index + " beyond last index " + lastIndex());
        }
        committed = index;
    }

    /** Replaces the whole log by a snapshot received from the leader (Raft paper, figure 13, steps 7-8). */
    void restore(Snapshot snapshot) {
        SnapshotMetadata meta = snapshot.metadata();
        entries.clear();
        offsetIndex = meta.lastIncludedIndex();
        offsetTerm = meta.lastIncludedTerm();
        stableIndex = offsetIndex;
        committed = offsetIndex;
        applied = offsetIndex; // the driver installs the snapshot before applying anything after it
        unstableSnapshot = snapshot;
    }

    /** Drops the entries up to {@code index}, which the state machine has applied and a snapshot covers (Raft paper, 7). */
    void compact(long index) {
        if (index <= offsetIndex) {
            return;
        }
        if (index > applied) {
            throw new IllegalArgumentException("cannot compact " + index + " beyond applied " + applied);
        }
        offsetTerm = term(index);
        entries.subList(0, (int) (index - offsetIndex)).clear();
        offsetIndex = index;
    }

    List<Entry> unstableEntries() {
        if (stableIndex >= lastIndex()) {
            return List.of();
        }
        return List.copyOf(entries.subList((int) (stableIndex - offsetIndex), entries.size()));
    }

    Snapshot unstableSnapshot() {
        return unstableSnapshot;
    }

    /** Committed entries not yet handed out for applying; all of them are in this Ready's entries or durable before. */
    List<Entry> nextCommittedEntries() {
        if (applied >= committed) {
            return List.of();
        }
        return List.copyOf(entries.subList((int) (applied - offsetIndex), (int) (committed - offsetIndex)));
    }

    boolean hasPendingWork() {
        return stableIndex < lastIndex() || unstableSnapshot != null || applied < committed;
    }

    /** The driver synced entries up to {@code index}; ignored if a truncation replaced that entry meanwhile. */
    void stableTo(long index, long term) {
        if (matchTerm(index, term) && index > stableIndex) {
            stableIndex = index;
        }
    }

    void snapshotStable(Snapshot snapshot) {
        if (unstableSnapshot != null && unstableSnapshot.metadata().equals(snapshot.metadata())) {
            unstableSnapshot = null;
        }
    }

    void appliedTo(long index) {
        if (index > committed) {
            throw new IllegalStateException("applied " + index + " beyond committed " + committed);
        }
        applied = Math.max(applied, index);
    }
}
