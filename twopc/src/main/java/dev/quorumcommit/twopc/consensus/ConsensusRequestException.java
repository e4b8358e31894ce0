package dev.quorumcommit.twopc.consensus;

/** The cluster refused the request itself (a 4xx other than the ones the contract predicts): a bug, not an outage. */
public class ConsensusRequestException extends RuntimeException {

    public ConsensusRequestException(String message) {
        super(message);
    }
}
