package dev.quorumcommit.consensus.node;

import java.util.concurrent.CompletableFuture;

import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.statemachine.Command;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;

/**
 * The port between the REST layer and the Raft-backed node that drives the core, the storage and
 * the transport. The REST layer needs only these four things; the driver implements them.
 *
 * <p>Every method may be called from any request thread, concurrently.
 */
public interface ConsensusNode {

    /**
     * Appends {@code command} (encoded with {@code CommandCodec}) to the replicated log, on the
     * leader only. The caller has stamped {@code proposedAtMillis} with its clock; the node may
     * re-stamp it ({@link Command#withProposedAt}) before appending, never after.
     *
     * <p>The future completes with the state machine's {@link ApplyResult} for the entry, once the
     * entry is committed by a majority and applied to {@link #stateMachine()} on this node. It fails
     * with:
     * <ul>
     * <li>{@link NotLeaderException} only when the command was <em>not</em> appended here (this node
     * is not the leader): the caller may safely send it to {@code leaderId} or try again;</li>
     * <li>{@link NodeUnavailableException} when it was appended but its fate is unknown (leadership
     * lost before commit, the node shutting down): it may still commit later, so a client must retry
     * with the same idempotency key.</li>
     * </ul>
     * The caller bounds its wait itself and may abandon (cancel) the future; the driver must tolerate
     * that. Complete futures without running heavy work on the Raft loop's thread.
     */
    CompletableFuture<ApplyResult> propose(Command command);

    /**
     * ReadIndex (Raft paper, section 8): completes once this node has confirmed with a quorum that it
     * is still the leader and its state machine has applied everything committed before the call.
     * A read of {@link #stateMachine()} after that is linearizable. Fails with
     * {@link NotLeaderException} when this node is not the leader, {@link NodeUnavailableException}
     * when it cannot reach a quorum.
     */
    CompletableFuture<Void> readBarrier();

    /** A consistent picture of this node now; cheap, never blocks on the Raft loop. */
    NodeStatus status();

    /**
     * The one state machine this node applies committed entries to (in order, each once, from the
     * driver's apply thread) and restores snapshots into. Request threads read it directly for stale
     * reads and the log, and follow it as it grows ({@code awaitAppliedBeyond}) for the SSE stream.
     */
    ReplicatedStateMachine stateMachine();
}
