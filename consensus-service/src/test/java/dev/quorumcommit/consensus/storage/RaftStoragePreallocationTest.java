package dev.quorumcommit.consensus.storage;

import static dev.quorumcommit.consensus.storage.StorageFixtures.TINY_SEGMENTS;
import static dev.quorumcommit.consensus.storage.StorageFixtures.entries;
import static dev.quorumcommit.consensus.storage.StorageFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.quorumcommit.consensus.raft.Entry;

/**
 * The active segment grows ahead of its records in zeros, so that a sync need not change the file's length.
 * A crash leaves those zeros behind: recovery must keep every synced entry and cut the zeros as a torn tail.
 */
class RaftStoragePreallocationTest {

    @TempDir
    Path dir;

    @TempDir
    Path crashed;

    @Test
    void theActiveSegmentGrowsAheadInZerosWhileOpenAndEndsAtItsLastRecordOnceClosed() throws Exception {
        List<Entry> written = entries(1, 50, 1);
        long recordBytes = written.stream().mapToLong(RecordCodec::recordBytes).sum();
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.append(written);
            storage.sync();
            assertThat(Files.size(segments(dir).getFirst())).isEqualTo(LogSegment.PREALLOCATE_STEP);
        }
        assertThat(Files.size(segments(dir).getFirst())).isEqualTo(recordBytes);
        try (RaftStorage storage = RaftStorage.open(dir)) {
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(written);
            assertThat(storage.recovered().tornTail()).isNull();
        }
    }

    @Test
    void aCrashWithZerosAheadKeepsEverySyncedEntryAndCutsTheZeros() throws Exception {
        List<Entry> written = entries(1, 50, 1);
        long recordBytes = written.stream().mapToLong(RecordCodec::recordBytes).sum();
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.append(written);
            storage.sync();
            // What a kill -9 leaves on disk: the files as they are while the node runs, copied before any close.
            Files.createDirectories(crashed.resolve(RaftStorage.LOG_DIR));
            for (Path file : Files.list(dir).toList()) {
                if (Files.isRegularFile(file) && !file.getFileName().toString().equalsIgnoreCase("LOCK")) {
                    Files.copy(file, crashed.resolve(file.getFileName()));
                }
            }
            for (Path segment : segments(dir)) {
                Files.copy(segment, crashed.resolve(RaftStorage.LOG_DIR).resolve(segment.getFileName()));
            }
        }
        try (RaftStorage storage = RaftStorage.open(crashed)) {
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(written);
            assertThat(storage.recovered().tornTail().droppedBytes()).isEqualTo(LogSegment.PREALLOCATE_STEP - recordBytes);
            storage.append(entries(51, 60, 1));
            storage.sync();
        }
        try (RaftStorage storage = RaftStorage.open(crashed)) {
            assertThat(storage.recovered().entries()).hasSize(60);
        }
    }

    @Test
    void aRolledSegmentKeepsNoZerosSoOnlyTheLastOneCanEverHaveATail() throws Exception {
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 20, 1));
            storage.sync();
            List<Path> all = segments(dir);
            assertThat(all).hasSizeGreaterThan(2);
            for (Path full : all.subList(0, all.size() - 1)) {
                assertThat(Files.size(full)).as("%s", full.getFileName()).isLessThanOrEqualTo(200);
            }
        }
    }
}
