package dev.quorumcommit.twopc;

import java.util.List;
import java.util.Optional;

/**
 * Where decisions live once and for all (DESIGN.md, "The two-phase commit"): not in the
 * coordinator's memory but under a key of their own in the consensus-service KV. Coordinator
 * and participants use the same register, so whoever writes first decides for everybody.
 */
public interface DecisionRegister {

    /**
     * Proposes a decision with put-if-absent.
     *
     * @return the decision that stands: the proposal if it was first, otherwise the one already there
     * @throws dev.quorumcommit.twopc.consensus.ConsensusUnavailableException when no quorum answered, or not within
     *         the register's wait; the proposal may or may not have been written, so the caller must read again later
     */
    Decision decide(String txId, Decision proposal);

    /** The decision if one was written; empty while the transaction is undecided. */
    Optional<Decision> read(String txId);

    /**
     * Deletes the decisions of transactions nobody will ask about again: only those every participant has
     * acknowledged (a participant still prepared would read an empty key as undecided, and abort). Repeatable.
     *
     * @throws dev.quorumcommit.twopc.consensus.ConsensusUnavailableException when no quorum answered; some or all
     *         of the decisions may be gone, and forgetting them again is harmless
     */
    void forget(List<String> txIds);

    /** The consensus-service key that holds (or will hold) the decision. */
    String keyOf(String txId);

    static String defaultKey(String txId) {
        return "tx:" + txId + ":decision";
    }
}
