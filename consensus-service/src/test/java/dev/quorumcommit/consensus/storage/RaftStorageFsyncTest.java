package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.HardState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.quorumcommit.consensus.storage.StorageFixtures.TINY_SEGMENTS;
import static dev.quorumcommit.consensus.storage.StorageFixtures.entries;
import static org.assertj.core.api.Assertions.assertThat;

class RaftStorageFsyncTest {

    @TempDir
    Path dir;

    @Test
    void aBatchOfManyAppendsIsMadeDurableByOneFsync() {
        try (RaftStorage storage = RaftStorage.open(dir)) {
            for (long index = 1; index <= 100; index++) {
                storage.append(entries(index, index, 1));
            }
            storage.sync();
            assertThat(storage.syncFsyncs()).isEqualTo(1);
        }
    }

    @Test
    void theHardStateCostsAnFsyncOnlyWhenItChanged() {
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.append(entries(1, 1, 1));
            storage.setHardState(new HardState(1, "n1", 0));
            storage.sync();
            assertThat(storage.syncFsyncs()).isEqualTo(2);

            storage.append(entries(2, 2, 1));
            storage.setHardState(new HardState(1, "n1", 0));
            storage.sync();
            assertThat(storage.syncFsyncs()).isEqualTo(3);

            storage.sync();
            assertThat(storage.syncFsyncs()).isEqualTo(3);
        }
    }

    @Test
    void theDirectoryIsFsyncedOnlyWhenASegmentWasCreated() {
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 2, 1));
            storage.sync();
            assertThat(storage.syncFsyncs()).isEqualTo(1);

            storage.append(entries(3, 12, 1));
            storage.sync();
            assertThat(storage.syncFsyncs()).as("active segment and the log directory").isEqualTo(3);
        }
    }
}
