package dev.quorumcommit.consensus.node;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code raft}: UP when this node knows a leader that a quorum follows, so that readiness (which
 * includes it) sends traffic only to nodes that can get a write committed.
 */
@ConditionalOnProperty(name = "consensus.raft.enabled", havingValue = "true", matchIfMissing = true)
@Component("raft")
class RaftHealthIndicator implements HealthIndicator {

    private final RaftConsensusNode node;

    RaftHealthIndicator(RaftConsensusNode node) {
        this.node = node;
    }

    @Override
    public Health health() {
        NodeStatus status = node.status();
        Health.Builder health = node.leaderWithQuorum() ? Health.up() : Health.down();
        health.withDetail("role", status.role()).withDetail("term", status.term())
                .withDetail("leaderId", status.leaderId() == null ? "none" : status.leaderId())
                .withDetail("commitIndex", status.commitIndex()).withDetail("lastApplied", status.lastApplied());
        if (status.stoppedBy() != null) {
            health.withDetail("stoppedBy", status.stoppedBy());
        }
        return health.build();
    }
}
