package dev.quorumcommit.twopc.coordinator;

import java.util.Objects;

import dev.quorumcommit.twopc.VoteReply;

/**
 * One participant's part in one transaction: its name and how to ask it to prepare. The prepare
 * call carries the transaction's payload (what to reserve), so it is given per transaction;
 * commit and abort need only the transaction id, so they go through the participant's
 * {@link ParticipantChannel}, which recovery can find by name after a restart.
 * <p>
 * A {@link #local(String, PrepareCall) local} branch keeps its data in the coordinator's own database:
 * its prepare runs in the local transaction that records the transaction, and its phase two in the one
 * that records the decision (see {@link TransactionLog#atomically}). That saves a local commit at each
 * step and a thread hand-off, and it cannot time out: there is no network in between.
 */
public record Branch(String participant, PrepareCall prepare, boolean local) {

    public Branch {
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(prepare, "prepare");
    }

    /** A participant reached over the network: prepared in parallel under the time limit, told in the background. */
    public Branch(String participant, PrepareCall prepare) {
        this(participant, prepare, false);
    }

    public static Branch local(String participant, PrepareCall prepare) {
        return new Branch(participant, prepare, true);
    }

    @FunctionalInterface
    public interface PrepareCall {
        /** Returns the vote; throwing counts as NO (the participant may be down or undecided). */
        VoteReply prepare(String txId) throws Exception;
    }
}
