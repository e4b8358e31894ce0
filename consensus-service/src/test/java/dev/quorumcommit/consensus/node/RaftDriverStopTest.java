package dev.quorumcommit.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.storage.RaftStorage;

/** A one-member node on real storage whose disk fails under it: it stops, says why, and keeps nothing waiting. */
class RaftDriverStopTest {

    @TempDir
    Path dir;

    @Test
    void aNodeWhoseStorageFailsAnswersEveryLaterRequestAtOnceInsteadOfQueueingIt() throws Exception {
        RaftStorage storage = RaftStorage.open(dir);
        try (OneMemberDriver node = OneMemberDriver.start(dir, storage, RaftDriver.SNAPSHOT_EVERY_BYTES)) {
            await("a leader of one").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> node.propose("\"before\"").get(5, TimeUnit.SECONDS) != null);

            storage.close(); // the disk is gone: the next append fails
            await("the loop stops on the failed append").atMost(Duration.ofSeconds(10)).until(() -> {
                node.propose("\"during\"").exceptionally(e -> null);
                return node.status().current().stoppedBy() != null;
            });

            NodeStatus seen = node.status().current();
            assertThat(seen.role()).as("no longer the leader it was, nor anyone's follower").isEqualTo(NodeStatus.Role.FOLLOWER);
            assertThat(seen.leaderId()).isNull();
            assertThat(seen.stoppedBy()).as("why, in words").contains("is closed");
            assertThat(seen.members()).allSatisfy(member -> assertThat(member.matchIndex()).isNull());

            CompletableFuture<ApplyResult> after = node.propose("\"after\"");
            assertThat(after).as("answered at once, not left queued for its deadline").isCompletedExceptionally();
            try {
                after.get();
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(NodeUnavailableException.class).hasMessageContaining("n1 stopped");
            }
        }
    }
}
