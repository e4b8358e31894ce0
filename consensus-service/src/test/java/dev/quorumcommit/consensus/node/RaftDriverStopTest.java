package dev.quorumcommit.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.quorumcommit.consensus.raft.RaftConfig;
import dev.quorumcommit.consensus.raft.RaftNode;
import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.statemachine.Command;
import dev.quorumcommit.consensus.statemachine.CommandCodec;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;
import dev.quorumcommit.consensus.statemachine.StateMachineSettings;
import dev.quorumcommit.consensus.storage.RaftStorage;
import dev.quorumcommit.consensus.transport.Firewall;
import dev.quorumcommit.consensus.transport.PeerTransport;

/** A one-member node on real storage whose disk fails under it: it stops, says why, and keeps nothing waiting. */
class RaftDriverStopTest {

    @TempDir
    Path dir;
    private RaftDriver driver;

    @Test
    void aNodeWhoseStorageFailsAnswersEveryLaterRequestAtOnceInsteadOfQueueingIt() throws Exception {
        RaftStorage storage = RaftStorage.open(dir);
        ConsensusProperties properties = new ConsensusProperties("n1", "n1=http://127.0.0.1:1", dir, 10_000,
                Duration.ofMillis(10), 10, 1, Duration.ofSeconds(5));
        PeerTransport transport = new PeerTransport(properties, new Firewall());
        StatusPublisher status = new StatusPublisher("n1", Map.of("n1", URI.create("http://127.0.0.1:1")), transport,
                TimeUnit.MILLISECONDS.toNanos(100));
        RaftNode core = new RaftNode(new RaftConfig("n1", List.of("n1"), 10, 1, 64, 512, 1 << 20, 512 * 1024, true, true,
                RandomGenerator.getDefault()), storage.hardState(), null, List.of());
        driver = new RaftDriver("n1", core, storage, new ReplicatedStateMachine(StateMachineSettings.DEFAULTS),
                transport, new RaftMetrics(new SimpleMeterRegistry()), status, TimeUnit.MILLISECONDS.toNanos(10), 10_000,
                RaftDriver.SNAPSHOT_EVERY_BYTES);
        Thread loop = Thread.ofPlatform().name("raft-loop-test").start(driver);
        try {
            await("a leader of one").atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> propose("before").get(5, TimeUnit.SECONDS) != null);

            storage.close(); // the disk is gone: the next append fails
            await("the loop stops on the failed append").atMost(Duration.ofSeconds(10)).until(() -> {
                propose("during").exceptionally(e -> null);
                return status.stoppedBy() != null;
            });

            CompletableFuture<ApplyResult> after = propose("after");
            assertThat(after).as("answered at once, not left queued for its deadline").isCompletedExceptionally();
            try {
                after.get();
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(NodeUnavailableException.class).hasMessageContaining("n1 stopped");
            }
        } finally {
            driver.submit(new RaftDriver.Event.Stop());
            loop.join(5_000);
        }
    }

    private CompletableFuture<ApplyResult> propose(String payload) {
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        driver.submit(new RaftDriver.Event.Propose(
                CommandCodec.encode(new Command.AppendLog("\"" + payload + "\"", null, System.currentTimeMillis())), result,
                System.nanoTime()));
        return result;
    }
}
