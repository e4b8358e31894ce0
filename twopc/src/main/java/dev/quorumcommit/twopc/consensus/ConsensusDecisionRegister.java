package dev.quorumcommit.twopc.consensus;

import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

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
    private final Duration decisionWait;

    /**
     * @param maxInFlight  how many batches may be on their way at once
     * @param decisionWait how long {@link #decide} waits for the cluster before it gives up on the answer
     * @param executor     sends the batches
     */
    public ConsensusDecisionRegister(ConsensusClient client, int maxInFlight, Duration decisionWait, Executor executor) {
        if (decisionWait.isNegative() || decisionWait.isZero()) {
            throw new IllegalArgumentException("the decision wait must be positive, not " + decisionWait);
        }
        this.client = client;
        this.writes = new Batcher<>(client::putAllIfAbsent, MAX_BATCH, maxInFlight, executor);
        this.decisionWait = decisionWait;
    }

    /**
     * Waits at most the decision wait. The client's own retries, node after node, can take far longer when no node
     * answers (frozen, or cut off: each attempt waits out its timeout); a coordinator would keep its caller that
     * long for an answer it can give at once: the decision is unknown, and recovery will learn it. The write goes
     * on in the background if it was sent; put-if-absent makes a later proposal for the same key harmless.
     */
    @Override
    public Decision decide(String txId, Decision proposal) {
        try {
            return decision(writes.call(new SimpleImmutableEntry<>(keyOf(txId), proposal.name()), decisionWait).value());
        } catch (TimeoutException e) {
            throw new ConsensusUnavailableException("no decision from the cluster within " + decisionWait + ": "
                    + e.getMessage(), e);
        }
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
