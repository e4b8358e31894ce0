package dev.quorumcommit.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.statemachine.Command;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;
import dev.quorumcommit.consensus.statemachine.StateMachineSettings;
import dev.quorumcommit.consensus.transport.Firewall;
import dev.quorumcommit.consensus.transport.PeerTransport;

/** The node as the application runs it (one member, so no network), for what it does around the driver. */
class RaftConsensusNodeTest {

    @TempDir
    Path dir;

    /**
     * Keys expire by the stamps the leader puts on its entries, so those must be its {@link ProposalClock}'s, whatever
     * time the caller put on the command: here a caller's clock a year ahead, which would otherwise have moved a fresh
     * table's clock (0) a year on at once.
     */
    @Test
    void whatTheNodeProposesIsStampedByItsProposalClockNotTheCallers() {
        ConsensusProperties properties = new ConsensusProperties("n1", "n1=http://127.0.0.1:1", dir, 10_000,
                Duration.ofMillis(10), 10, 1, Duration.ofSeconds(5));
        ReplicatedStateMachine machine = new ReplicatedStateMachine(StateMachineSettings.DEFAULTS);
        RaftConsensusNode node = new RaftConsensusNode(properties, new NodeDataDirectory(dir), machine,
                new PeerTransport(properties, new Firewall()), new SimpleMeterRegistry());
        node.start();
        try {
            long aYearAhead = System.currentTimeMillis() + Duration.ofDays(365).toMillis();
            Command append = new Command.AppendLog("1", "stamp-1", aYearAhead);
            // Refused until the node has elected itself; the key makes a repeat harmless.
            await().atMost(Duration.ofSeconds(10)).until(() -> node.propose(append)
                    .handle((applied, failure) -> applied == null ? null : applied.unwrap()).get(5, TimeUnit.SECONDS)
                    instanceof ApplyResult.LogAppended);

            assertThat(machine.idempotencyClockMillis()).as("the table's clock after the entry applied")
                    .isLessThan(Duration.ofMinutes(1).toMillis());
        } finally {
            node.stop();
        }
    }
}
