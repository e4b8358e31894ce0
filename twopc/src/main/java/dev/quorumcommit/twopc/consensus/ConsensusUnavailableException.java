package dev.quorumcommit.twopc.consensus;

/**
 * No node answered with a quorum behind it within the retries. A write may or may not have been
 * applied (the contract's "exactly once later or never"): read before assuming either.
 */
public class ConsensusUnavailableException extends RuntimeException {

    public ConsensusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
