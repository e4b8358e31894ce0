package dev.quorumcommit.twopc.participant;

/** Where one participant stands in one transaction, as its barrier table records it. */
public enum BranchState {
    /** Voted YES: what it needs is reserved and held until the decision arrives. */
    PREPARED,
    COMMITTED,
    /** Aborted after a prepare, voted NO, or aborted before its prepare arrived. */
    ABORTED
}
