package dev.quorumcommit.twopc.consensus;

import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * "consensus" in /actuator/health: UP while a majority of the nodes answer, because only then can
 * a decision be written or read; the details show each node's role or that it is unreachable.
 */
public class ConsensusHealthIndicator implements HealthIndicator {

    private final ConsensusClient client;

    public ConsensusHealthIndicator(ConsensusClient client) {
        this.client = client;
    }

    @Override
    public Health health() {
        Map<String, String> roles = client.reachability();
        long reachable = roles.values().stream().filter(role -> !"UNREACHABLE".equals(role)).count();
        Health.Builder builder = reachable > roles.size() / 2 ? Health.up() : Health.down();
        return builder.withDetail("nodes", roles).withDetail("reachable", reachable + "/" + roles.size()).build();
    }
}
