package dev.quorumcommit.consensus.node;

/**
 * This node is not the leader, and did nothing with the request: it is safe to send it to
 * {@link #leaderId()} (when known) or to try again.
 */
public class NotLeaderException extends RuntimeException {

    private final String leaderId;

    public NotLeaderException(String leaderId) {
        super(leaderId == null ? "this node is not the leader and knows of none" : "this node is not the leader; " + leaderId + " is");
        this.leaderId = leaderId;
    }

    /** The leader this node knows of, or null. */
    public String leaderId() {
        return leaderId;
    }
}
