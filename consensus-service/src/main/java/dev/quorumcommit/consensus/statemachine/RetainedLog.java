package dev.quorumcommit.consensus.statemachine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The log records still kept, oldest first, in three parallel arrays (index, term, payload) used as
 * a sliding window: 10,000 small records cost two long arrays and the payload strings, with no
 * per-record object or map node. Indexes only grow, so a lookup is a binary search. Not
 * thread-safe: {@link ReplicatedStateMachine} guards it.
 */
final class RetainedLog {

    private long[] indexes = new long[64];
    private long[] terms = new long[64];
    private String[] payloads = new String[64];
    private int start;
    private int end;

    void append(long index, long term, String payload) {
        if (end == indexes.length) {
            makeRoom();
        }
        indexes[end] = index;
        terms[end] = term;
        payloads[end] = payload;
        end++;
    }

    /** Drops every record with an index below {@code index}. */
    void dropBefore(long index) {
        int keepFrom = position(index);
        Arrays.fill(payloads, start, keepFrom, null);
        start = keepFrom;
        if (start == end) {
            start = end = 0;
        }
    }

    LogRecord get(long index) {
        int at = position(index);
        return at < end && indexes[at] == index ? record(at) : null;
    }

    /** Up to {@code limit} records with an index of at least {@code from}, in order. */
    List<LogRecord> from(long from, int limit) {
        List<LogRecord> found = new ArrayList<>(Math.min(limit, 64));
        for (int at = position(from); at < end && found.size() < limit; at++) {
            found.add(record(at));
        }
        return found;
    }

    int size() {
        return end - start;
    }

    private LogRecord record(int at) {
        return new LogRecord(indexes[at], terms[at], payloads[at]);
    }

    /** The position of the first record whose index is at least {@code index}. */
    private int position(long index) {
        int found = Arrays.binarySearch(indexes, start, end, index);
        return found >= 0 ? found : -found - 1;
    }

    /** Slides the window back to the array's start, and grows the arrays only when they are more than half full. */
    private void makeRoom() {
        int size = end - start;
        int capacity = size * 2 > indexes.length ? indexes.length * 2 : indexes.length;
        indexes = slide(indexes, capacity, size);
        terms = slide(terms, capacity, size);
        String[] moved = new String[capacity];
        System.arraycopy(payloads, start, moved, 0, size);
        payloads = moved;
        start = 0;
        end = size;
    }

    private long[] slide(long[] from, int capacity, int size) {
        long[] moved = new long[capacity];
        System.arraycopy(from, start, moved, 0, size);
        return moved;
    }
}
