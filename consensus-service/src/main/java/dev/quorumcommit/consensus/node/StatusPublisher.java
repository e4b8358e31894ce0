package dev.quorumcommit.consensus.node;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.quorumcommit.consensus.raft.Role;
import dev.quorumcommit.consensus.raft.Status;
import dev.quorumcommit.consensus.transport.PeerTransport;

/**
 * The Raft loop's latest view of itself, published after every turn so that request threads,
 * health and metrics read it without ever touching the core (which only the loop may).
 */
final class StatusPublisher {

    private final String nodeId;
    private final Map<String, URI> members;
    private final PeerTransport transport;
    private final long electionTimeoutNanos;
    private volatile Status published;
    private volatile long leaderContactNanos;
    /** Why the loop stopped, in words; null while it runs. */
    private volatile String stoppedBy;

    StatusPublisher(String nodeId, Map<String, URI> members, PeerTransport transport, long electionTimeoutNanos) {
        this.nodeId = nodeId;
        this.members = members;
        this.transport = transport;
        this.electionTimeoutNanos = electionTimeoutNanos;
        this.published = new Status(nodeId, Role.FOLLOWER, 0, null, 0, 0, 0, Map.of());
    }

    /** The loop's view after one of its turns; the only state kept, so a reader never mixes two turns. */
    void publish(Status status) {
        published = status;
    }

    /** The loop saw a message from the leader it follows. */
    void leaderContact() {
        leaderContactNanos = System.nanoTime();
    }

    void stopped(Throwable cause) {
        stoppedBy = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    /**
     * Built on every read: reachability changes without the loop turning (a peer dies). A node whose loop stopped
     * leads nobody and follows nobody any more, whatever its last turn said: it answers as a follower that knows
     * no leader, so that nobody looking for the leader takes it for one (its term is old, the others have moved on).
     */
    NodeStatus current() {
        Status status = published;
        String stopped = stoppedBy;
        if (stopped != null) {
            return new NodeStatus(nodeId, NodeStatus.Role.FOLLOWER, status.term(), null, status.commitIndex(),
                    status.applied(), status.lastLogIndex(), memberList(status, false), stopped);
        }
        return new NodeStatus(nodeId, role(status.role()), status.term(), status.leaderId(), status.commitIndex(),
                status.applied(), status.lastLogIndex(), memberList(status, status.role() == Role.LEADER), null);
    }

    /**
     * Whether this node knows a leader that a quorum follows: as leader, a quorum answered within an
     * election timeout (check-quorum would have deposed it otherwise); as follower, the leader spoke
     * within an election timeout (and it speaks only while it holds a quorum).
     */
    boolean leaderWithQuorum() {
        Status status = published;
        if (stoppedBy != null || status.leaderId() == null) {
            return false;
        }
        if (status.role() == Role.LEADER) {
            long reachable = 1 + status.peers().values().stream().filter(Status.Peer::reachable).count();
            return reachable >= members.size() / 2 + 1;
        }
        return System.nanoTime() - leaderContactNanos < electionTimeoutNanos;
    }

    /** @param leader whether this node leads now: only a leader knows how far the others' logs match its own */
    private List<NodeStatus.Member> memberList(Status status, boolean leader) {
        List<NodeStatus.Member> list = new ArrayList<>();
        for (Map.Entry<String, URI> member : members.entrySet()) {
            String id = member.getKey();
            boolean self = id.equals(nodeId);
            Long match = null;
            if (leader) {
                match = self ? status.lastLogIndex() : status.peers().containsKey(id) ? status.peers().get(id).matchIndex() : null;
            }
            list.add(new NodeStatus.Member(id, member.getValue(), self, self || transport.reachable(id), match));
        }
        return list;
    }

    private static NodeStatus.Role role(Role role) {
        return switch (role) {
            case LEADER -> NodeStatus.Role.LEADER;
            case FOLLOWER -> NodeStatus.Role.FOLLOWER;
            // A pre-candidate is already campaigning, only without raising its term (thesis 9.6).
            case CANDIDATE, PRE_CANDIDATE -> NodeStatus.Role.CANDIDATE;
        };
    }
}
