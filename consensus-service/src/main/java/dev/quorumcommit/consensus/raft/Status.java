package dev.quorumcommit.consensus.raft;

import java.util.Map;

/**
 * A node's view of itself and, when leader, of its peers.
 *
 * @param peers empty unless leader: each follower's match index and whether it answered within the last election timeout
 */
public record Status(String id, Role role, long term, String leaderId, long commitIndex, long applied,
                     long lastLogIndex, Map<String, Peer> peers) {

    public Status {
        peers = Map.copyOf(peers);
    }

    public record Peer(long matchIndex, boolean reachable) {
    }
}
