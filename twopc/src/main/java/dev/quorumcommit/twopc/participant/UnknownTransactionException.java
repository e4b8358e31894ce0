package dev.quorumcommit.twopc.participant;

/**
 * A commit for a transaction this participant never prepared. Never ignored silently: it means a
 * lost prepare or a coordinator bug, and nothing can be committed that was never reserved.
 */
public class UnknownTransactionException extends RuntimeException {

    public UnknownTransactionException(String txId) {
        super("commit for transaction " + txId + " which this participant never prepared");
    }
}
