package dev.quorumcommit.consensus.node;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.quorumcommit.consensus.raft.RaftConfig;
import dev.quorumcommit.consensus.raft.RaftNode;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;
import dev.quorumcommit.consensus.statemachine.StateMachineSettings;
import dev.quorumcommit.consensus.storage.RaftStorage;
import dev.quorumcommit.consensus.transport.Firewall;
import dev.quorumcommit.consensus.transport.PeerTransport;

/** The loop of a one-member node on real storage, for tests of the driver itself: no peers, so no network. */
record OneMemberDriver(RaftDriver driver, StatusPublisher status) {

    static OneMemberDriver on(Path dir, RaftStorage storage, long snapshotEveryBytes) {
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
}
