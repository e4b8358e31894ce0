package dev.quorumcommit.twopc.consensus;

import java.net.URI;
import java.time.Duration;

/**
 * One attempt on one node failed in a way another attempt may fix (node down, 5xx, 503 without
 * quorum). Carries the server's Retry-After so the back-off can honour it.
 */
class RetryableConsensusException extends RuntimeException {

    private final transient Duration retryAfter;

    RetryableConsensusException(URI node, String what, Duration retryAfter, Throwable cause) {
        super(node + ": " + what, cause);
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
