package dev.quorumcommit.consensus.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.quorumcommit.consensus.raft.Message;
import dev.quorumcommit.consensus.raft.RaftConfig;
import dev.quorumcommit.consensus.raft.RaftNode;
import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.statemachine.Command;
import dev.quorumcommit.consensus.statemachine.CommandCodec;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;
import dev.quorumcommit.consensus.storage.DirectoryLockedException;
import dev.quorumcommit.consensus.storage.RaftStorage;
import dev.quorumcommit.consensus.storage.RecoveredState;
import dev.quorumcommit.consensus.storage.TornTail;
import dev.quorumcommit.consensus.storage.StorageException;
import dev.quorumcommit.consensus.transport.InboundMessages;
import dev.quorumcommit.consensus.transport.PeerTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The Raft-backed {@link ConsensusNode}: opens this node's storage (locking its directory), restores
 * the state machine from the latest snapshot, builds the core from what was on disk, and runs the
 * {@link RaftDriver} loop on a thread of its own for as long as the application runs.
 */
@ConditionalOnProperty(name = "consensus.raft.enabled", havingValue = "true", matchIfMissing = true)
@Component
class RaftConsensusNode implements ConsensusNode, InboundMessages, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RaftConsensusNode.class);

    private final ConsensusProperties properties;
    private final ReplicatedStateMachine stateMachine;
    private final PeerTransport transport;
    private final RaftStorage storage;
    private final StatusPublisher status;
    private final RaftDriver driver;
    private final ProposalClock proposalClock;
    private Thread loop;

    RaftConsensusNode(ConsensusProperties properties, NodeDataDirectory dataDirectory, ReplicatedStateMachine stateMachine,
                      PeerTransport transport, MeterRegistry registry) {
        this.properties = properties;
        this.stateMachine = stateMachine;
        this.transport = transport;
        this.proposalClock = new ProposalClock(stateMachine::idempotencyClockMillis, System::nanoTime);
        this.storage = openStorage(dataDirectory);
        RecoveredState recovered = storage.recovered();
        recovered.repairs().forEach(repair -> log.warn("[{}] storage repaired at start: {}", properties.nodeId(), repair));
        if (recovered.tornTail() != null) {
            TornTail torn = recovered.tornTail();
            log.warn("[{}] cut a torn tail at start: {} bytes from offset {} of {} ({}); entries from index {} on were "
                            + "never synced, so never acknowledged, and the leader sends them again", properties.nodeId(),
                    torn.droppedBytes(), torn.offset(), torn.segment().getFileName(), torn.reason(), torn.firstLostIndex());
        }
        if (recovered.snapshot() != null) {
            stateMachine.restore(recovered.snapshot().data());
        }
        List<String> members = new ArrayList<>(properties.members().keySet());
        RaftConfig config = new RaftConfig(properties.nodeId(), members, properties.electionTicks(), properties.heartbeatTicks(),
                64, 512, 1 << 20, 512 * 1024, true, true, RandomGenerator.getDefault());
        RaftNode core = new RaftNode(config, recovered.hardState(), recovered.snapshot(), recovered.entries());
        long tickNanos = properties.tickInterval().toNanos();
        this.status = new StatusPublisher(properties.nodeId(), properties.members(), transport, tickNanos * properties.electionTicks());
        RaftMetrics metrics = new RaftMetrics(registry);
        this.driver = new RaftDriver(properties.nodeId(), core, storage, stateMachine, transport, metrics, status, tickNanos,
                properties.retainedEntries(), RaftDriver.SNAPSHOT_EVERY_BYTES);
        registerGauges(registry);
        log.info("[{}] restored term {}, commit {}, {} log entries after snapshot {}", properties.nodeId(),
                recovered.hardState().term(), recovered.hardState().commitIndex(), recovered.entries().size(),
                recovered.snapshot() == null ? "none" : recovered.snapshot().metadata());
    }

    private static RaftStorage openStorage(NodeDataDirectory dataDirectory) {
        try {
            return RaftStorage.open(dataDirectory.path());
        } catch (DirectoryLockedException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        } catch (StorageException e) {
            throw new InvalidConfigurationException("the Raft data in " + dataDirectory.path() + " cannot be opened: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<ApplyResult> propose(Command proposed) {
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        Command command = proposed.withProposedAt(proposalClock.stamp(status.current().term()));
        if (stateMachine.wouldForgetAKeyEarly(command)) {
            // The contract promises every key 10 minutes; a new one now would push out one younger than that.
            result.completeExceptionally(new IdempotencyKeysFullException(stateMachine.idempotencyKeyCount()));
            return result;
        }
        driver.submit(new RaftDriver.Event.Propose(CommandCodec.encode(command), result, System.nanoTime()));
        return result;
    }

    @Override
    public CompletableFuture<Void> readBarrier() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        driver.submit(new RaftDriver.Event.Read(result));
        return result;
    }

    /** Hands leadership to {@code to} (TimeoutNow); false when this node is not the leader or {@code to} is unknown. */
    CompletableFuture<Boolean> transferLeadership(String to) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        driver.submit(new RaftDriver.Event.Transfer(to, result));
        return result;
    }

    @Override
    public NodeStatus status() {
        return status.current();
    }

    /** For the {@code raft} health component. */
    boolean leaderWithQuorum() {
        return status.leaderWithQuorum();
    }

    @Override
    public ReplicatedStateMachine stateMachine() {
        return stateMachine;
    }

    @Override
    public void deliver(List<Message> messages) {
        String leader = status.current().leaderId();
        for (Message message : messages) {
            if (message.from().equals(leader)) {
                status.leaderContact();
                break;
            }
        }
        driver.submit(new RaftDriver.Event.Incoming(messages));
    }

    @Override
    public void start() {
        loop = Thread.ofPlatform().name("raft-loop-" + properties.nodeId()).start(driver);
        transport.start(this);
    }

    @Override
    public void stop() {
        driver.submit(new RaftDriver.Event.Stop());
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        storage.close();
    }

    @Override
    public boolean isRunning() {
        return loop != null && loop.isAlive();
    }

    private void registerGauges(MeterRegistry registry) {
        RaftMetrics.gauge(registry, "raft.term", "The current term", status, s -> s.current().term());
        RaftMetrics.gauge(registry, "raft.role", "0 follower, 1 candidate, 2 leader", status, s -> switch (s.current().role()) {
            case FOLLOWER -> 0;
            case CANDIDATE -> 1;
            case LEADER -> 2;
        });
        RaftMetrics.gauge(registry, "raft.commit.index", "The highest index known committed", status, s -> s.current().commitIndex());
        RaftMetrics.gauge(registry, "raft.applied.index", "The highest index applied here", status, s -> s.current().lastApplied());
        RaftMetrics.gauge(registry, "raft.proposals.pending", "Proposals waiting to commit", driver, RaftDriver::pendingProposals);
        for (String peer : properties.members().keySet()) {
            if (!peer.equals(properties.nodeId())) {
                io.micrometer.core.instrument.Gauge.builder("raft.peer.match.index", status, s -> s.current().members().stream()
                                .filter(m -> m.id().equals(peer) && m.matchIndex() != null).mapToDouble(m -> m.matchIndex()).findFirst().orElse(Double.NaN))
                        .tags(Tags.of("peer", peer)).description("The highest index known replicated on the peer (leader only)")
                        .register(registry);
            }
        }
    }
}
