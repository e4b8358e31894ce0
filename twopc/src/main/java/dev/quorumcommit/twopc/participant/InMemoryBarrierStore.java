package dev.quorumcommit.twopc.participant;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The barrier table in memory: for protocol tests of the library. Services keep theirs in their database. */
public class InMemoryBarrierStore implements BarrierStore {

    private final Map<String, BarrierEntry> entries = new ConcurrentHashMap<>();

    @Override
    public Optional<BarrierEntry> find(String txId) {
        return Optional.ofNullable(entries.get(txId));
    }

    @Override
    public void insert(BarrierEntry entry) {
        if (entries.putIfAbsent(entry.txId(), entry) != null) {
            throw new IllegalStateException("duplicate barrier entry " + entry.txId());
        }
    }

    @Override
    public void update(BarrierEntry entry) {
        entries.put(entry.txId(), entry);
    }

    @Override
    public boolean replacePrepared(BarrierEntry next) {
        BarrierEntry current = entries.get(next.txId());
        return current != null && current.state() == BranchState.PREPARED && entries.replace(next.txId(), current, next);
    }

    @Override
    public List<BarrierEntry> preparedBefore(Instant cutoff) {
        return entries.values().stream()
                .filter(e -> e.state() == BranchState.PREPARED && e.since().isBefore(cutoff)).toList();
    }

    @Override
    public boolean isPrepared(String txId) {
        BarrierEntry entry = entries.get(txId);
        return entry != null && entry.state() == BranchState.PREPARED;
    }
}
