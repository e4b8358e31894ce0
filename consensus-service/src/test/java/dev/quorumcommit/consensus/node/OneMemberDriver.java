package dev.quorumcommit.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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

/**
 * The loop of a one-member node on real storage, running on a thread of its own, for tests of the driver itself: no
 * peers, so no network. Closing it stops the loop and checks that it ended.
 */
final class OneMemberDriver implements AutoCloseable {

    private final RaftDriver driver;
    private final StatusPublisher status;
    private final Thread loop;

    private OneMemberDriver(RaftDriver driver, StatusPublisher status) {
        this.driver = driver;
        this.status = status;
        this.loop = Thread.ofPlatform().name("raft-loop-test").start(driver);
    }

    static OneMemberDriver start(Path dir, RaftStorage storage, long snapshotEveryBytes) {
        ConsensusProperties properties = new ConsensusProperties("n1", "n1=http://127.0.0.1:1", dir, 10_000,
                Duration.ofMillis(10), 10, 1, Duration.ofSeconds(5));
        PeerTransport transport = new PeerTransport(properties, new Firewall());
        StatusPublisher status = new StatusPublisher("n1", Map.of("n1", URI.create("http://127.0.0.1:1")), transport,
                TimeUnit.MILLISECONDS.toNanos(100));
        RaftNode core = new RaftNode(new RaftConfig("n1", List.of("n1"), 10, 1, 64, 512, 1 << 20, 512 * 1024, true, true,
                RandomGenerator.getDefault()), storage.hardState(), null, List.of());
        RaftDriver driver = new RaftDriver("n1", core, storage, new ReplicatedStateMachine(StateMachineSettings.DEFAULTS),
                transport, new RaftMetrics(new SimpleMeterRegistry()), status, TimeUnit.MILLISECONDS.toNanos(10), 10_000,
                snapshotEveryBytes);
        return new OneMemberDriver(driver, status);
    }

    StatusPublisher status() {
        return status;
    }

    /** Proposes appending a JSON value to the log; the future holds what applying it answered. */
    CompletableFuture<ApplyResult> propose(String json) {
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        driver.submit(new RaftDriver.Event.Propose(
                CommandCodec.encode(new Command.AppendLog(json, null, System.currentTimeMillis())), result, System.nanoTime()));
        return result;
    }

    /** Asks for a linearizable read point; the future completes once this node may serve such a read. */
    CompletableFuture<Void> readBarrier() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        driver.submit(new RaftDriver.Event.Read(result));
        return result;
    }

    /** Stops the loop, which first finishes a snapshot it started; nothing is written after this returns. */
    void stop() throws InterruptedException {
        if (loop.isAlive()) {
            driver.submit(new RaftDriver.Event.Stop());
            loop.join(10_000);
            assertThat(loop.isAlive()).as("the driver's loop ended").isFalse();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
