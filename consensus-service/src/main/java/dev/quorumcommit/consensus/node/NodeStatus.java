package dev.quorumcommit.consensus.node;

import java.net.URI;
import java.util.List;

/**
 * What this node knows about itself and the cluster at one moment (for {@code GET /api/cluster},
 * and for the REST layer to find the leader).
 *
 * @param leaderId  the leader this node knows of in {@code term}, itself included, or null
 * @param members   every member of the cluster, this node included, in the configured order
 * @param stoppedBy why this node's Raft loop stopped (a storage failure such as a full disk), or null while it runs
 */
public record NodeStatus(String nodeId, Role role, long term, String leaderId, long commitIndex, long lastApplied,
                         long lastLogIndex, List<Member> members, String stoppedBy) {

    public enum Role { LEADER, FOLLOWER, CANDIDATE }

    /**
     * @param reachable  whether this node heard from it recently (for itself: true)
     * @param matchIndex the highest index known to be replicated on it; known only on the leader, else null
     */
    public record Member(String id, URI url, boolean self, boolean reachable, Long matchIndex) {
    }

    public NodeStatus {
        members = List.copyOf(members);
    }
}
