package dev.quorumcommit.consensus.node;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.statemachine.Command;
import dev.quorumcommit.consensus.statemachine.CommandCodec;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;

/**
 * A test double of the port: a one-node "cluster" that commits and applies each proposal at once,
 * in the order proposals arrive. It is honest about what it is: everything goes through the real
 * command encoding and the real state machine; there is no replication, no disk, no election.
 * Tests can turn it into a follower of another node, a node that knows no leader, or a leader that
 * never gets a quorum, to exercise forwarding, 503s and timeouts.
 */
public class LocalConsensusNode implements ConsensusNode {

    public enum Mode { LEADER, FOLLOWER, NO_QUORUM }

    private final ReplicatedStateMachine stateMachine;
    private final ConsensusProperties properties;
    private final long term = 1;
    private volatile Mode mode = Mode.LEADER;
    private volatile String leaderId;
    private long lastIndex;

    public LocalConsensusNode(ReplicatedStateMachine stateMachine, ConsensusProperties properties) {
        this.stateMachine = stateMachine;
        this.properties = properties;
        this.leaderId = properties.nodeId();
        this.lastIndex = stateMachine.lastApplied();
    }

    /** Leads (the default). */
    public void lead() {
        mode = Mode.LEADER;
        leaderId = properties.nodeId();
    }

    /** Follows {@code leader}, or no one when null: proposals and read barriers fail with NotLeaderException. */
    public void follow(String leader) {
        mode = Mode.FOLLOWER;
        leaderId = leader;
    }

    /** Leads, but its proposals and read barriers never complete, as if the followers were cut off. */
    public void loseQuorum() {
        mode = Mode.LEADER == mode ? Mode.NO_QUORUM : mode;
    }

    @Override
    public synchronized CompletableFuture<ApplyResult> propose(Command command) {
        return switch (mode) {
            case FOLLOWER -> CompletableFuture.failedFuture(new NotLeaderException(leaderId));
            case NO_QUORUM -> new CompletableFuture<>();
            case LEADER -> CompletableFuture.completedFuture(
                    stateMachine.apply(new Entry(++lastIndex, term, Entry.Kind.COMMAND, CommandCodec.encode(command))));
        };
    }

    /** Appends and applies a no-op, as a new leader does. */
    public synchronized void appendNoop() {
        stateMachine.apply(Entry.noop(++lastIndex, term));
    }

    @Override
    public CompletableFuture<Void> readBarrier() {
        return switch (mode) {
            case FOLLOWER -> CompletableFuture.failedFuture(new NotLeaderException(leaderId));
            case NO_QUORUM -> new CompletableFuture<>();
            case LEADER -> CompletableFuture.completedFuture(null);
        };
    }

    @Override
    public synchronized NodeStatus status() {
        NodeStatus.Role role = mode == Mode.FOLLOWER ? NodeStatus.Role.FOLLOWER : NodeStatus.Role.LEADER;
        List<NodeStatus.Member> members = properties.members().entrySet().stream()
                .map(m -> new NodeStatus.Member(m.getKey(), m.getValue(), m.getKey().equals(properties.nodeId()),
                        m.getKey().equals(properties.nodeId()), m.getKey().equals(properties.nodeId()) ? lastIndex : null))
                .toList();
        return new NodeStatus(properties.nodeId(), role, term, leaderId, lastIndex, stateMachine.lastApplied(), lastIndex, members, null);
    }

    @Override
    public ReplicatedStateMachine stateMachine() {
        return stateMachine;
    }
}
