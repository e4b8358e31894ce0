package dev.quorumcommit.consensus.node;

import java.util.Map;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** Adds this node's identity to {@code /actuator/info}, so that a person can tell the nodes apart. */
@Component
class NodeInfoContributor implements InfoContributor {

    private final ConsensusProperties properties;

    NodeInfoContributor(ConsensusProperties properties) {
        this.properties = properties;
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("node", Map.of(
                "id", properties.nodeId(),
                "url", properties.selfUrl().toString(),
                "members", properties.members().keySet()));
    }
}
