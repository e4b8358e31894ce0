package dev.quorumcommit.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.quorumcommit.consensus.storage.RaftStorage;

/** A one-member node (consensus.peers naming only itself) serves linearizable reads: no peer has to answer for them. */
class RaftDriverReadTest {

    @TempDir
    Path dir;

    @Test
    void aLeaderOfOneConfirmsAReadOnItsOwn() throws Exception {
        try (RaftStorage storage = RaftStorage.open(dir);
                OneMemberDriver node = OneMemberDriver.start(dir, storage, RaftDriver.SNAPSHOT_EVERY_BYTES)) {
            await("a leader of one").atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> node.propose("\"before\"").get(5, TimeUnit.SECONDS) != null);

            assertThat(node.readBarrier()).as("confirmed at once, not left for the request's deadline")
                    .succeedsWithin(Duration.ofSeconds(2));
        }
    }
}
