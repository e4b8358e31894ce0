package dev.quorumcommit.twopc.coordinator;

import java.util.Objects;

import dev.quorumcommit.twopc.VoteReply;

/**
 * One participant's part in one transaction: its name and how to ask it to prepare. The prepare
 * call carries the transaction's payload (what to reserve), so it is given per transaction;
 * commit and abort need only the transaction id, so they go through the participant's
 * {@link ParticipantChannel}, which recovery can find by name after a restart.
 */
public record Branch(String participant, PrepareCall prepare) {

    public Branch {
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(prepare, "prepare");
    }

    @FunctionalInterface
    public interface PrepareCall {
        /** Returns the vote; throwing counts as NO (the participant may be down or undecided). */
        VoteReply prepare(String txId) throws Exception;
    }
}
