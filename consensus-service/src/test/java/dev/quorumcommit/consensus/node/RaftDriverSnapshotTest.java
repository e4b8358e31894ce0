package dev.quorumcommit.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.raft.Message;
import dev.quorumcommit.consensus.raft.RaftConfig;
import dev.quorumcommit.consensus.raft.RaftNode;
import dev.quorumcommit.consensus.raft.Snapshot;
import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.statemachine.Command;
import dev.quorumcommit.consensus.statemachine.CommandCodec;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;
import dev.quorumcommit.consensus.statemachine.StateMachineSettings;
import dev.quorumcommit.consensus.storage.RaftStorage;
import dev.quorumcommit.consensus.transport.Firewall;
import dev.quorumcommit.consensus.transport.PeerTransport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A one-member node on real storage snapshots once the commands it applied add up to its byte threshold, long before
 * their count (5 × 10,000 entries) would have it: the entries after a snapshot stay in memory until the next one. And
 * a node that installs a snapshot from a leader answers the proposals it covers.
 */
class RaftDriverSnapshotTest {

    private static final String PAYLOAD = "\"" + "x".repeat(4_000) + "\"";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "threshold {0} bytes")
    @ValueSource(longs = {64 * 1024, Long.MAX_VALUE})
    void aNodeSnapshotsByTheBytesItAppliedNotOnlyByTheirCount(long snapshotEveryBytes) throws Exception {
        try (RaftStorage storage = RaftStorage.open(dir);
                OneMemberDriver node = OneMemberDriver.start(dir, storage, snapshotEveryBytes)) {
            await("a leader of one").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> node.propose(PAYLOAD).get(5, TimeUnit.SECONDS) != null);
            for (int i = 0; i < 40; i++) { // 160 KB of commands in 41 entries
                node.propose(PAYLOAD).get(5, TimeUnit.SECONDS);
            }
            if (snapshotEveryBytes == Long.MAX_VALUE) {
                // A snapshot the loop had started is finished before the loop ends: so none is on its way.
                node.stop();
                assertThat(snapshotFiles()).as("41 entries are far below the count").isEmpty();
            } else {
                await("a snapshot on disk").atMost(Duration.ofSeconds(10))
                        .until(() -> node.propose(PAYLOAD).get(5, TimeUnit.SECONDS) != null && !snapshotFiles().isEmpty());
            }
        }
    }

    /**
     * n1 leads term 1 alone (its peers never answer), holding proposals at indexes 2 to 4, when n2, leader of term 2,
     * sends a snapshot up to index 3: those entries are never applied here, so apply cannot answer their proposals.
     */
    @Test
    void anExLeaderThatInstallsASnapshotAnswersTheProposalsItCoversAsOfUnknownFate() throws Exception {
        ConsensusProperties properties = new ConsensusProperties("n1",
                "n1=http://127.0.0.1:1,n2=http://127.0.0.1:2,n3=http://127.0.0.1:3", dir, 10_000, Duration.ofSeconds(1), 10, 1,
                Duration.ofSeconds(5));
        try (RaftStorage storage = RaftStorage.open(dir); PeerTransport transport = new PeerTransport(properties, new Firewall())) {
            // Ticks of a second: n1 neither campaigns nor steps down by itself while the test runs.
            RaftNode core = new RaftNode(new RaftConfig("n1", List.of("n1", "n2", "n3"), 10, 1, 64, 512, 1 << 20, 512 * 1024,
                    true, false, RandomGenerator.getDefault()), storage.hardState(), null, List.of());
            StatusPublisher status = new StatusPublisher("n1", properties.members(), transport, TimeUnit.SECONDS.toNanos(10));
            RaftDriver driver = new RaftDriver("n1", core, storage, new ReplicatedStateMachine(StateMachineSettings.DEFAULTS),
                    transport, new RaftMetrics(new SimpleMeterRegistry()), status, TimeUnit.SECONDS.toNanos(1), 10_000,
                    RaftDriver.SNAPSHOT_EVERY_BYTES);
            Thread loop = Thread.ofPlatform().name("raft-loop-test").start(driver);
            try {
                driver.submit(new RaftDriver.Event.Incoming(List.of(new Message.TimeoutNow("n2", "n1", 0),
                        new Message.VoteResponse("n2", "n1", 1, true))));
                List<CompletableFuture<ApplyResult>> proposals = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    CompletableFuture<ApplyResult> result = new CompletableFuture<>();
                    driver.submit(new RaftDriver.Event.Propose(CommandCodec.encode(
                            new Command.AppendLog("1", null, System.currentTimeMillis())), result, System.nanoTime()));
                    proposals.add(result);
                }
                await("n1 leads, a no-op and three proposals in its log").atMost(Duration.ofSeconds(10))
                        .until(() -> status.current().lastLogIndex() == 4);
                assertThat(status.current().role()).isEqualTo(NodeStatus.Role.LEADER);

                Snapshot snapshot = stateMachineAt(3, 2).snapshot();
                driver.submit(new RaftDriver.Event.Incoming(List.of(new Message.InstallSnapshot("n2", "n1", 2,
                        snapshot.metadata(), 0, snapshot.data(), true))));

                await("the proposals the snapshot covers answered").atMost(Duration.ofSeconds(10))
                        .until(() -> proposals.get(0).isDone() && proposals.get(1).isDone());
                for (CompletableFuture<ApplyResult> covered : proposals.subList(0, 2)) {
                    assertThat(covered).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                            .havingCause().isInstanceOf(NodeUnavailableException.class).isNotInstanceOf(NotLeaderException.class)
                            .withMessageContaining("may still have been applied");
                }
                assertThat(proposals.get(2)).as("index 4 lies beyond the snapshot: a later entry there answers it").isNotDone();
                assertThat(driver.pendingProposals()).isEqualTo(1);
            } finally {
                driver.submit(new RaftDriver.Event.Stop());
                loop.join(10_000);
            }
        }
    }

    /** A state machine that applied no-ops of {@code term} up to {@code index}: the new leader's state. */
    private static ReplicatedStateMachine stateMachineAt(long index, long term) {
        ReplicatedStateMachine machine = new ReplicatedStateMachine(StateMachineSettings.DEFAULTS);
        for (long i = 1; i <= index; i++) {
            machine.apply(Entry.noop(i, term));
        }
        return machine;
    }

    private List<Path> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".snap")).toList();
        }
    }
}
