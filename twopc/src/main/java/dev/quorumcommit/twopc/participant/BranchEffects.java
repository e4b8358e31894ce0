package dev.quorumcommit.twopc.participant;

/** The business side of phase two, run by the barrier inside its local transaction. */
public interface BranchEffects {

    /** Make the prepared reservation permanent (inventory: consume it). */
    void confirm(String txId);

    /** Give the prepared reservation back (inventory: return it to available). */
    void release(String txId);
}
