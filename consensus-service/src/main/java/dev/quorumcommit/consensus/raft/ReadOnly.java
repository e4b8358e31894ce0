package dev.quorumcommit.consensus.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The leader's queue of ReadIndex requests (Raft thesis 6.4). Each read records the commit index
 * when it arrived and gets a context; a heartbeat carrying that context, answered by a quorum,
 * proves no newer leader existed when the read arrived, so the read (and every earlier one) may be
 * served once the state machine has applied the recorded index.
 */
final class ReadOnly {

    private record Pending(long context, long requestId, long index, Set<String> acks) {
    }

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long nextContext = 1;

    /** Queues a read at {@code commitIndex}, acknowledged by the leader itself; returns the context to send. */
    long add(long requestId, long commitIndex, String self) {
        long context = nextContext++;
        Set<String> acks = new HashSet<>();
        acks.add(self);
        queue.addLast(new Pending(context, requestId, commitIndex, acks));
        return context;
    }

    /** The context heartbeats should carry now: the newest pending read's, or 0. */
    long lastContext() {
        return queue.isEmpty() ? 0 : queue.peekLast().context();
    }

    /** Records {@code from}'s answer to {@code context}; returns the reads that became safe, oldest first. */
    List<ReadState> ack(long context, String from, int quorum) {
        Pending target = null;
        for (Pending p : queue) {
            if (p.context() == context) {
                target = p;
                break;
            }
        }
        if (target == null) {
            return List.of();
        }
        target.acks().add(from);
        if (target.acks().size() < quorum) {
            return List.of();
        }
        List<ReadState> released = new ArrayList<>();
        while (!queue.isEmpty() && queue.peekFirst().context() <= context) {
            Pending p = queue.removeFirst();
            released.add(new ReadState(p.requestId(), p.index()));
        }
        return released;
    }

    /** Leadership is lost: the pending reads are dropped; the driver times them out and retries elsewhere. */
    void reset() {
        queue.clear();
    }
}
