package dev.quorumcommit.consensus.chaos;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.quorumcommit.consensus.node.ConsensusProperties;
import dev.quorumcommit.consensus.transport.Firewall;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The chaos switch: cut this node off from chosen peers, slow down what it sends, or heal. Only
 * there when {@code consensus.chaos.enabled=true}, for demos and tests: cut the leader off from
 * both followers and watch them elect a new one while the old one stops answering.
 */
@RestController
@ConditionalOnProperty(name = "consensus.chaos.enabled", havingValue = "true")
@Tag(name = "chaos", description = "Fault injection for demos and tests (consensus.chaos.enabled=true). Affects Raft traffic and forwarded requests between nodes.")
class ChaosController {

    private final Firewall firewall;
    private final ConsensusProperties properties;

    ChaosController(Firewall firewall, ConsensusProperties properties) {
        this.firewall = firewall;
        this.properties = properties;
    }

    record ChaosState(Set<String> cutOff, long delayMillis) {
    }

    record Partition(@NotEmpty Set<@NotNull String> peers) {
    }

    record Delay(@Min(0) @Max(60_000) long millis) {
    }

    @Operation(summary = "What the chaos switch does now")
    @GetMapping("/api/chaos")
    ChaosState state() {
        return new ChaosState(new TreeSet<>(firewall.cutOffPeers()), firewall.delay().toMillis());
    }

    @Operation(summary = "Drop all traffic to and from these peers",
            description = "Example: {\"peers\": [\"n2\", \"n3\"]} on the leader cuts it off from a majority: it steps down within an election timeout and the others elect a new leader.")
    @PostMapping("/api/chaos/partition")
    ChaosState partition(@Valid @RequestBody Partition partition) {
        for (String peer : partition.peers()) {
            if (!properties.members().containsKey(peer) || peer.equals(properties.nodeId())) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'" + peer + "' is not a peer of " + properties.nodeId()
                        + "; peers are " + properties.members().keySet());
            }
        }
        firewall.cutOff(partition.peers());
        return state();
    }

    @Operation(summary = "Delay everything this node sends to its peers by this many milliseconds")
    @PostMapping("/api/chaos/delay")
    ChaosState delay(@Valid @RequestBody Delay delay) {
        firewall.delay(Duration.ofMillis(delay.millis()));
        return state();
    }

    @Operation(summary = "Heal: no peer cut off, no delay")
    @PostMapping("/api/chaos/heal")
    ChaosState heal() {
        firewall.heal();
        return state();
    }
}
