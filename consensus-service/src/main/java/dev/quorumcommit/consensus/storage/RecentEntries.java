package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest appended entries in a ring, so that a leader sending them to followers right after appending
 * them does not read its own writes back from disk. Bounded by count and by command bytes.
 */
final class RecentEntries {

    private final Entry[] ring;
    private final long maxBytes;
    private long first = 1;
    private long next = 1;
    private long bytes;

    RecentEntries(int capacity, long maxBytes) {
        this.ring = new Entry[Math.max(capacity, 1)];
        this.maxBytes = maxBytes;
    }

    /** Adds entries that directly follow the log's current end (any conflicting suffix already dropped). */
    void append(List<Entry> entries) {
        for (Entry entry : entries) {
            if (entry.index() != next) {
                clear(entry.index());
            }
            if (next - first == ring.length) {
                evictOldest();
            }
            ring[slot(next)] = entry;
            bytes += entry.command().length;
            next++;
            while (bytes > maxBytes && first < next) {
                evictOldest();
            }
        }
    }

    /** Forgets {@code index} and everything after it. */
    void truncateFrom(long index) {
        while (next > index && next > first) {
            next--;
            bytes -= ring[slot(next)].command().length;
            ring[slot(next)] = null;
        }
        if (index < first) {
            clear(index);
        }
    }

    void clear(long nextIndex) {
        java.util.Arrays.fill(ring, null);
        first = nextIndex;
        next = nextIndex;
        bytes = 0;
    }

    boolean holds(long from, long toExclusive) {
        return from >= first && toExclusive <= next;
    }

    List<Entry> get(long from, long toExclusive) {
        List<Entry> entries = new ArrayList<>(Math.toIntExact(toExclusive - from));
        for (long index = from; index < toExclusive; index++) {
            entries.add(ring[slot(index)]);
        }
        return entries;
    }

    private void evictOldest() {
        bytes -= ring[slot(first)].command().length;
        ring[slot(first)] = null;
        first++;
    }

    private int slot(long index) {
        return (int) Math.floorMod(index, (long) ring.length);
    }
}
