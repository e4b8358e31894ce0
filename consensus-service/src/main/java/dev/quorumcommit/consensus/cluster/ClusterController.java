package dev.quorumcommit.consensus.cluster;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.quorumcommit.consensus.node.ConsensusNode;
import dev.quorumcommit.consensus.node.NodeStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** What this node knows of the cluster: its role, the leader, the indexes, the members. */
@RestController
@Tag(name = "cluster", description = "This node's view of the Raft cluster")
class ClusterController {

    private final ConsensusNode node;

    ClusterController(ConsensusNode node) {
        this.node = node;
    }

    @Schema(example = """
            {"nodeId": "n1", "role": "LEADER", "term": 3, "leaderId": "n1", "commitIndex": 57, "lastApplied": 57,
             "lastLogIndex": 58, "members": [
              {"id": "n1", "url": "http://127.0.0.1:9001", "self": true, "reachable": true, "matchIndex": 58},
              {"id": "n2", "url": "http://127.0.0.1:9002", "self": false, "reachable": true, "matchIndex": 57},
              {"id": "n3", "url": "http://127.0.0.1:9003", "self": false, "reachable": false, "matchIndex": 12}],
             "stoppedBy": null}""")
    record ClusterAnswer(String nodeId, @Schema(allowableValues = {"LEADER", "FOLLOWER", "CANDIDATE"}) String role, long term,
                         @Schema(description = "The leader this node knows of, or null") String leaderId,
                         long commitIndex, long lastApplied, long lastLogIndex, List<MemberAnswer> members,
                         @Schema(description = "Why this node stopped taking part (its storage failed: a full disk, say), "
                                 + "or null while it runs. A stopped node answers as a FOLLOWER that knows no leader; "
                                 + "it takes part again once restarted.") String stoppedBy) {
    }

    record MemberAnswer(String id, String url, boolean self, boolean reachable,
                        @Schema(description = "Known on the leader only; null elsewhere") Long matchIndex) {
    }

    @GetMapping("/api/cluster")
    @Operation(summary = "This node's view of the cluster",
            description = "Answered by this node at once, from what it knows now; a follower's view may lag.")
    @ApiResponse(responseCode = "200", description = "The node's role, term, leader, indexes and members")
    ClusterAnswer cluster() {
        NodeStatus status = node.status();
        return new ClusterAnswer(status.nodeId(), status.role().name(), status.term(), status.leaderId(),
                status.commitIndex(), status.lastApplied(), status.lastLogIndex(),
                status.members().stream().map(m -> new MemberAnswer(m.id(), m.url().toString(), m.self(), m.reachable(),
                        m.matchIndex())).toList(), status.stoppedBy());
    }
}
