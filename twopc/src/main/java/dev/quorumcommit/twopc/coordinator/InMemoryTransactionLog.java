package dev.quorumcommit.twopc.coordinator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.VoteReply;

/** The log's semantics in memory: for protocol tests. Not durable, so never for a real service. */
public class InMemoryTransactionLog implements TransactionLog {

    private final Map<String, TxRecord> records = new ConcurrentHashMap<>();
    /** Apart from the records, as a database's flag and its index: listed until marked, whatever the record says. */
    private final Set<String> marked = ConcurrentHashMap.newKeySet();

    @Override
    public void begin(String txId, List<String> participants, Instant startedAt) {
        List<ParticipantRecord> list = participants.stream()
                .map(name -> new ParticipantRecord(name, null, null, false)).toList();
        if (records.putIfAbsent(txId, new TxRecord(txId, list, null, startedAt, null)) != null) {
            throw new IllegalStateException("transaction " + txId + " already begun");
        }
    }

    @Override
    public void recordVote(String txId, String participant, VoteReply vote) {
        update(txId, participant, p -> new ParticipantRecord(p.name(), vote.vote(), vote.reason(), p.acknowledged()));
    }

    @Override
    public void recordDecision(String txId, Decision decision, Instant decidedAt, Collection<String> appliedBy) {
        records.computeIfPresent(txId, (id, r) -> r.decision() != null ? r
                : new TxRecord(id, r.participants(), decision, r.startedAt(), decidedAt));
        appliedBy.forEach(participant -> recordAcknowledged(txId, participant));
    }

    @Override
    public void recordAcknowledged(String txId, String participant) {
        update(txId, participant, p -> new ParticipantRecord(p.name(), p.vote(), p.reason(), true));
    }

    @Override
    public Optional<TxRecord> find(String txId) {
        return Optional.ofNullable(records.get(txId));
    }

    @Override
    public List<String> unfinishedIds() {
        return records.values().stream().filter(r -> !marked.contains(r.txId()))
                .sorted(Comparator.comparing(TxRecord::startedAt)).map(TxRecord::txId).toList();
    }

    @Override
    public boolean markFinished(String txId) {
        TxRecord record = records.get(txId);
        return record != null && record.finished() && marked.add(txId);
    }

    /** All or nothing, as a database's local transaction: what work recorded is undone if it throws. */
    @Override
    public synchronized <T> T atomically(Supplier<T> work) {
        Map<String, TxRecord> before = Map.copyOf(records);
        Set<String> markedBefore = Set.copyOf(marked);
        try {
            return work.get();
        } catch (RuntimeException e) {
            records.clear();
            records.putAll(before);
            marked.retainAll(markedBefore);
            throw e;
        }
    }

    private void update(String txId, String participant,
            java.util.function.UnaryOperator<ParticipantRecord> change) {
        records.computeIfPresent(txId, (id, r) -> {
            List<ParticipantRecord> list = new ArrayList<>();
            for (ParticipantRecord p : r.participants()) {
                list.add(p.name().equals(participant) ? change.apply(p) : p);
            }
            return new TxRecord(id, list, r.decision(), r.startedAt(), r.decidedAt());
        });
    }
}
