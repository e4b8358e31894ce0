package dev.quorumcommit.twopc.consensus;

import java.util.Optional;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.DecisionRegister;
import tools.jackson.databind.JsonNode;

/** The decision register on consensus-service: key {@code tx:<txId>:decision}, value "COMMIT" or "ABORT". */
public class ConsensusDecisionRegister implements DecisionRegister {

    private final ConsensusClient client;

    public ConsensusDecisionRegister(ConsensusClient client) {
        this.client = client;
    }

    @Override
    public Decision decide(String txId, Decision proposal) {
        return decision(client.putIfAbsent(keyOf(txId), proposal.name()).value());
    }

    @Override
    public Optional<Decision> read(String txId) {
        return client.get(keyOf(txId)).map(entry -> decision(entry.value()));
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
