package dev.quorumcommit.consensus.raft;

import java.util.ArrayDeque;

/**
 * A leader's view of one follower, in the manner of etcd's Progress: how much of the log is known
 * to match ({@code match}), what to send next ({@code next}), and how to send it.
 * <ul>
 *   <li>PROBE: after a refusal or a new leadership: one append at a time until one is accepted.</li>
 *   <li>REPLICATE: the follower is known to match: appends are pipelined, {@code next} moves on
 *       optimistically, at most {@code maxInflight} unacknowledged.</li>
 *   <li>SNAPSHOT: the entries it needs are compacted away: its snapshot is sent chunk by chunk.</li>
 * </ul>
 */
final class Progress {

    enum State { PROBE, REPLICATE, SNAPSHOT }

    private final int maxInflight;
    private final ArrayDeque<Long> inflight = new ArrayDeque<>();
    long match;
    long next;
    State state = State.PROBE;
    /** In PROBE: an append is out and unanswered; the next goes after its answer or the next heartbeat answer. */
    boolean probeSent;
    /** The tick count when the follower last answered; check-quorum and "reachable" read it. */
    long lastHeardTick;
    /** In SNAPSHOT: the snapshot being sent and how many of its bytes the follower has acknowledged. */
    Snapshot snapshot;
    long snapshotOffset;
    /** In SNAPSHOT: the tick count when the last chunk went out, so that an unanswered one is sent again, but slowly. */
    long snapshotSentTick;

    Progress(long next, int maxInflight, long lastHeardTick) {
        this.next = next;
        this.maxInflight = maxInflight;
        this.lastHeardTick = lastHeardTick;
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflight.size() >= maxInflight;
            case SNAPSHOT -> true;
        };
    }

    void becomeProbe() {
        long after = state == State.SNAPSHOT ? snapshot.metadata().lastIncludedIndex() + 1 : 0;
        state = State.PROBE;
        next = Math.max(match + 1, after);
        reset();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        reset();
    }

    void becomeSnapshot(Snapshot s) {
        state = State.SNAPSHOT;
        reset();
        snapshot = s;
    }

    private void reset() {
        probeSent = false;
        inflight.clear();
        snapshot = null;
        snapshotOffset = 0;
    }

    /** An acknowledgement up to {@code index}; false if it tells nothing new (stale or duplicate). */
    boolean maybeUpdate(long index) {
        boolean updated = index > match;
        if (updated) {
            match = index;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * A refusal of the append whose prevLogIndex was {@code rejected}; {@code hint} is where the
     * follower's log may match. False if the refusal is stale (answers an append sent before the
     * last change of {@code next}).
     */
    boolean maybeDecreaseTo(long rejected, long hint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1; // the caller falls back to PROBE
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, hint), match + 1);
        probeSent = false;
        return true;
    }

    /** An append with entries up to {@code lastIndex} went out. */
    void sent(long lastIndex, boolean hadEntries) {
        if (state == State.REPLICATE) {
            if (hadEntries) {
                inflight.addLast(lastIndex);
                next = lastIndex + 1;
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    void freeInflightsTo(long index) {
        while (!inflight.isEmpty() && inflight.peekFirst() <= index) {
            inflight.removeFirst();
        }
    }

    /** etcd's escape hatch: a heartbeat answer while the window is full frees one slot, in case an ack was lost. */
    void freeFirstIfFull() {
        if (inflight.size() >= maxInflight) {
            inflight.removeFirst();
        }
    }

    int inflightCount() {
        return inflight.size();
    }
}
