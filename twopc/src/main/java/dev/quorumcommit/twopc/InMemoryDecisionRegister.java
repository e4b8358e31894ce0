package dev.quorumcommit.twopc;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.quorumcommit.twopc.consensus.ConsensusUnavailableException;

/**
 * The register's semantics without a cluster: for protocol tests, and for running a service
 * alone. {@link #setAvailable(boolean)} imitates a lost quorum.
 */
public class InMemoryDecisionRegister implements DecisionRegister {

    private final Map<String, Decision> decisions = new ConcurrentHashMap<>();
    private volatile boolean available = true;

    @Override
    public Decision decide(String txId, Decision proposal) {
        checkAvailable();
        Decision previous = decisions.putIfAbsent(keyOf(txId), proposal);
        return previous == null ? proposal : previous;
    }

    @Override
    public Optional<Decision> read(String txId) {
        checkAvailable();
        return Optional.ofNullable(decisions.get(keyOf(txId)));
    }

    @Override
    public void forget(List<String> txIds) {
        checkAvailable();
        txIds.forEach(txId -> decisions.remove(keyOf(txId)));
    }

    @Override
    public String keyOf(String txId) {
        return DecisionRegister.defaultKey(txId);
    }

    public void setAvailable(boolean available) {
        this.available = available;
    }

    private void checkAvailable() {
        if (!available) {
            throw new ConsensusUnavailableException("no quorum (in-memory register switched off)", null);
        }
    }
}
