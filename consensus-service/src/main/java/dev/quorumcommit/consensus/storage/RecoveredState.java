package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.raft.HardState;
import dev.quorumcommit.consensus.raft.Snapshot;

import java.util.List;

/**
 * What a node had on disk when it opened its storage, for the core to start from.
 *
 * @param hardState the last synced term, vote and commit index ({@link HardState#INITIAL} for a new node)
 * @param snapshot  the newest whole snapshot, or null
 * @param entries   every stored entry after the snapshot, in order and contiguous
 * @param tornTail  the end of the last segment that a crash left half-written and recovery cut away, or null;
 *                  the caller logs it, since it means the node lost writes it never acknowledged
 * @param repairs   anything else recovery changed or passed over (leftover segments, damaged old snapshots), for the log
 */
public record RecoveredState(HardState hardState, Snapshot snapshot, List<Entry> entries, TornTail tornTail, List<String> repairs) {

    public RecoveredState {
        entries = List.copyOf(entries);
        repairs = List.copyOf(repairs);
    }
}
