package dev.quorumcommit.twopc.participant;

/** How termination applies a decision: the participant's own transactional commit and abort. */
public interface PhaseTwoHandler {

    BranchState commit(String txId);

    BranchState abort(String txId);
}
