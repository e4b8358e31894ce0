package dev.quorumcommit.twopc.participant;

/** COMMIT for a transaction already aborted here, or ABORT for one already committed: the decision register was bypassed. */
public class ConflictingDecisionException extends RuntimeException {

    public ConflictingDecisionException(String txId, BranchState state, String asked) {
        super(asked + " for transaction " + txId + " which is already " + state);
    }
}
