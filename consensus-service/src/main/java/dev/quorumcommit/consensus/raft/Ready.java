package dev.quorumcommit.consensus.raft;

import java.util.List;

/**
 * What the driver must do, in this order (etcd raft's contract):
 * <ol>
 *   <li>persist, and sync: {@code snapshot} first (then the log holds nothing before or at it, and
 *       nothing after it either: discard the whole log), then {@code entries} – the stored log is
 *       first cut from {@code entries.get(0).index()} on, because they may replace a conflicting
 *       suffix – then {@code hardState} (after the entries, so that a stored commit index never
 *       points past the stored log);</li>
 *   <li>install {@code snapshot} in the state machine, if any;</li>
 *   <li>send {@code messages} (any order, any may be lost);</li>
 *   <li>apply {@code committedEntries} in order;</li>
 *   <li>serve each {@code readStates} request once applied has reached its index;</li>
 *   <li>call {@link RaftNode#advance(Ready)}, and call nothing else on the node between
 *       {@link RaftNode#ready()} and {@code advance}.</li>
 * </ol>
 * Committed entries are always in this node's log at or below its last index after step 1: a
 * node never applies an entry it has not made durable itself, so a crash cannot make it forget
 * something it applied. A leader counts its own copy towards a quorum only in {@code advance},
 * after its sync, while it may already send the entries to followers in the same Ready (Raft
 * thesis 10.2.1): the commit point never gets ahead of what a quorum has on disk.
 *
 * @param softState null when unchanged since the previous Ready
 * @param hardState null when unchanged since the previous Ready
 * @param snapshot  a snapshot received from the leader, to persist and install; else null
 */
public record Ready(SoftState softState, HardState hardState, List<Entry> entries, Snapshot snapshot,
                    List<Message> messages, List<Entry> committedEntries, List<ReadState> readStates) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
    }
}
