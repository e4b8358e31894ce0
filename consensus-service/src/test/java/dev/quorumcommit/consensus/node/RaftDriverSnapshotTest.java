package dev.quorumcommit.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.quorumcommit.consensus.storage.RaftStorage;

/**
 * A one-member node on real storage snapshots once the commands it applied add up to its byte threshold, long before
 * their count (5 × 10,000 entries) would have it: the entries after a snapshot stay in memory until the next one.
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

    private List<Path> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".snap")).toList();
        }
    }
}
