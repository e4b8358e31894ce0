package dev.quorumcommit.twopc.consensus;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.batch.Batcher;
import tools.jackson.databind.JsonNode;

/**
 * The decision register on consensus-service: key {@code tx:<txId>:decision}, value "COMMIT" or "ABORT".
 * <p>
 * Decisions are written through a {@link Batcher}: those of all the transactions deciding at the same moment
 * go to the cluster as one request and one log entry, each still put-if-absent under its own key. A decision
 * costs the cluster about as much as the HTTP request that carries it, so under load this is most of its
 * work saved; alone, a decision is sent at once, as before.
 */
public class ConsensusDecisionRegister implements DecisionRegister {

    /** The most decisions one request carries (the cluster takes up to 1,000 writes a batch). */
    static final int MAX_BATCH = 256;

    private final ConsensusClient client;
    private final Batcher<Map.Entry<String, ?>, KvEntry> writes;

    /**
     * @param maxInFlight how many batches may be on their way at once
     * @param executor    sends the batches
     */
    public ConsensusDecisionRegister(ConsensusClient client, int maxInFlight, Executor executor) {
        this.client = client;
        this.writes = new Batcher<>(client::putAllIfAbsent, MAX_BATCH, maxInFlight, executor);
    }

    @Override
    public Decision decide(String txId, Decision proposal) {
        return decision(writes.call(new SimpleImmutableEntry<>(keyOf(txId), proposal.name())).value());
    }

    @Override
    public Optional<Decision> read(String txId) {
        return client.get(keyOf(txId)).map(entry -> decision(entry.value()));
    }

    /** One request and one log entry for all of them: the caller hands over up to a thousand at a time. */
    @Override
    public void forget(List<String> txIds) {
        if (!txIds.isEmpty()) {
            client.deleteAll(txIds.stream().map(this::keyOf).toList());
        }
    }

    @Override
    public String keyOf(String txId) {
        return DecisionRegister.defaultKey(txId);
    }

    private static Decision decision(JsonNode value) {
        try {
            return Decision.valueOf(value.asString());
        } catch (IllegalArgumentException | NullPointerException e) {
            // Someone wrote something else under our key: refuse to guess a decision from it.
            throw new ConsensusRequestException("decision key holds " + value + ", not COMMIT or ABORT");
        }
    }
}
