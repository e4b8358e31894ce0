package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Snapshot;
import dev.quorumcommit.consensus.raft.SnapshotMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.quorumcommit.consensus.storage.StorageFixtures.TINY_SEGMENTS;
import static dev.quorumcommit.consensus.storage.StorageFixtures.entries;
import static dev.quorumcommit.consensus.storage.StorageFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;

class RaftStorageSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void compactionDropsWholeSegmentsTheSnapshotCoversAndARestartRestoresSnapshotAndTheRest() throws Exception {
        Snapshot snapshot = snapshot(20, 1, "state at 20");
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            storage.saveSnapshot(snapshot);

            assertThat(storage.compact(20)).isPositive();

            assertThat(storage.firstIndex()).isBetween(2L, 21L);
            assertThat(LogSegment.firstIndexOf(segments(dir).getFirst())).isEqualTo(storage.firstIndex());
            assertThat(storage.term(20)).isEqualTo(1);
        }
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            assertThat(storage.recovered().snapshot()).isEqualTo(snapshot);
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(entries(21, 30, 1));
            assertThat(storage.lastIndex()).isEqualTo(30);
        }
    }

    @Test
    void aSnapshotFileWrittenButNotYetAdoptedCoversNothingUntilItIsAndARestartMayStartFromIt() {
        Snapshot snapshot = snapshot(20, 1, "state at 20");
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            storage.writeSnapshotFile(snapshot); // the driver's background write; a crash follows before adoption

            storage.compact(20);

            assertThat(storage.snapshotMetadata().lastIncludedIndex()).isZero();
            assertThat(storage.firstIndex()).isEqualTo(1);
        }
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            assertThat(storage.recovered().snapshot()).isEqualTo(snapshot);
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(entries(21, 30, 1));
        }
    }

    @Test
    void adoptingASnapshotOlderThanTheStoredOneChangesNothing() {
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            Snapshot older = snapshot(10, 1, "at 10");
            storage.writeSnapshotFile(older);
            storage.saveSnapshot(snapshot(20, 1, "at 20"));

            storage.adoptSnapshot(older.metadata());

            assertThat(storage.snapshotMetadata().lastIncludedIndex()).isEqualTo(20);
        }
    }

    @Test
    void compactionNeverDropsEntriesTheSnapshotDoesNotCover() {
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            storage.saveSnapshot(snapshot(5, 1, "state at 5"));

            storage.compact(30);

            assertThat(storage.firstIndex()).isLessThanOrEqualTo(6);
            assertThat(storage.entries(6, 31)).containsExactlyElementsOf(entries(6, 30, 1));
        }
    }

    @Test
    void aSnapshotBeyondTheLogResetsTheLogToStartAfterIt() {
        Snapshot installed = snapshot(100, 4, "from the leader");
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            storage.saveSnapshot(installed);

            assertThat(storage.firstIndex()).isEqualTo(101);
            assertThat(storage.lastIndex()).isEqualTo(100);
            assertThat(storage.term(100)).isEqualTo(4);
            storage.append(entries(101, 102, 4));
            storage.sync();
        }
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            assertThat(storage.recovered().snapshot()).isEqualTo(installed);
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(entries(101, 102, 4));
        }
    }

    @Test
    void aSnapshotWhoseTermDisagreesWithTheLogReplacesTheWholeLog() {
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            storage.saveSnapshot(snapshot(10, 2, "a different history"));

            assertThat(storage.firstIndex()).isEqualTo(11);
            assertThat(storage.lastIndex()).isEqualTo(10);
        }
    }

    @Test
    void onlyTheTwoNewestSnapshotsAreKeptAndADamagedNewestFallsBackToTheOlder() throws Exception {
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            storage.saveSnapshot(snapshot(10, 1, "at 10"));
            storage.saveSnapshot(snapshot(20, 1, "at 20"));
            storage.saveSnapshot(snapshot(25, 1, "at 25"));
        }
        Path newest;
        try (Stream<Path> files = Files.list(dir.resolve(RaftStorage.SNAPSHOT_DIR))) {
            var snapshots = files.sorted().toList();
            assertThat(snapshots).hasSize(2);
            newest = snapshots.getLast();
        }
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 6] ^= 0x40;
        Files.write(newest, bytes);

        try (RaftStorage storage = RaftStorage.open(dir)) {
            assertThat(storage.recovered().snapshot().metadata()).isEqualTo(new SnapshotMetadata(20, 1));
            assertThat(storage.recovered().repairs()).anyMatch(repair -> repair.contains("checksum"));
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(entries(21, 30, 1));
        }
    }

    @Test
    void segmentsLeftBehindByAResetThatACrashInterruptedAreRemovedOnOpen(@TempDir Path saved) throws Exception {
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            for (Path segment : segments(dir)) {
                Files.copy(segment, saved.resolve(segment.getFileName()));
            }
            storage.saveSnapshot(snapshot(100, 4, "from the leader"));
            storage.append(entries(101, 103, 4));
            storage.sync();
        }
        // As if the deletions of the old segments had not reached the disk before the crash.
        try (Stream<Path> old = Files.list(saved)) {
            for (Path segment : old.toList()) {
                Files.copy(segment, dir.resolve(RaftStorage.LOG_DIR).resolve(segment.getFileName()));
            }
        }

        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(entries(101, 103, 4));
            assertThat(storage.recovered().repairs()).anyMatch(repair -> repair.contains("left over"));
            assertThat(storage.firstIndex()).isEqualTo(101);
        }
    }

    private static Snapshot snapshot(long index, long term, String data) {
        return new Snapshot(new SnapshotMetadata(index, term), data.getBytes(StandardCharsets.UTF_8));
    }
}
