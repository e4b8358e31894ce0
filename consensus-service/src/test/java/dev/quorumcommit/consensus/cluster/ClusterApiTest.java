package dev.quorumcommit.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.quorumcommit.consensus.web.ApiTestSupport;
import tools.jackson.databind.JsonNode;

class ClusterApiTest extends ApiTestSupport {

    @Test
    void theClusterViewNamesRoleLeaderIndexesAndMembers() {
        send("POST", "/api/log", "{\"payload\":1}");
        JsonNode cluster = get("/api/cluster").json();
        assertThat(cluster.get("nodeId").asString()).isEqualTo("n1");
        assertThat(cluster.get("role").asString()).isEqualTo("LEADER");
        assertThat(cluster.get("leaderId").asString()).isEqualTo("n1");
        assertThat(cluster.get("term").asLong()).isEqualTo(1);
        assertThat(cluster.get("commitIndex").asLong()).isEqualTo(lastApplied());
        assertThat(cluster.get("lastApplied").asLong()).isEqualTo(lastApplied());
        assertThat(cluster.get("lastLogIndex").asLong()).isEqualTo(lastApplied());
        assertThat(cluster.get("members")).hasSize(3);
        JsonNode self = cluster.get("members").get(0);
        assertThat(self.get("id").asString()).isEqualTo("n1");
        assertThat(self.get("url").asString()).isEqualTo("http://127.0.0.1:9001");
        assertThat(self.get("self").asBoolean()).isTrue();
        assertThat(self.get("reachable").asBoolean()).isTrue();
        assertThat(cluster.get("members").get(1).get("matchIndex").isNull()).isTrue();
    }

    @Test
    void aFollowerSaysWhoLeads() {
        node.follow("n3");
        JsonNode cluster = get("/api/cluster").json();
        assertThat(cluster.get("role").asString()).isEqualTo("FOLLOWER");
        assertThat(cluster.get("leaderId").asString()).isEqualTo("n3");
    }
}
