package dev.quorumcommit.consensus.node;

/**
 * The node cannot serve the request now (no quorum, shutting down, or a proposal whose fate is
 * unknown because leadership was lost after it was appended). The message says which.
 */
public class NodeUnavailableException extends RuntimeException {

    public NodeUnavailableException(String message) {
        super(message);
    }

    public NodeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The title of the problem it answers as. */
    public String title() {
        return "No leader available";
    }
}
