package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.quorumcommit.consensus.storage.StorageFixtures.TINY_SEGMENTS;
import static dev.quorumcommit.consensus.storage.StorageFixtures.entries;
import static dev.quorumcommit.consensus.storage.StorageFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;

class RaftStorageConflictTest {

    @TempDir
    Path dir;

    @Test
    void aConflictingAppendCutsTheLogAcrossSegmentsAndOnlyTheNewSuffixSurvivesAReopen() throws Exception {
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            int segmentsBefore = segments(dir).size();

            storage.append(entries(7, 9, 2));
            storage.sync();

            assertThat(segments(dir)).hasSizeLessThan(segmentsBefore);
            assertThat(storage.lastIndex()).isEqualTo(9);
            assertThat(storage.term(7)).isEqualTo(2);
            assertThat(storage.entries(1, 10)).containsExactlyElementsOf(expected());
        }
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(expected());
            assertThat(storage.recovered().tornTail()).isNull();
        }
    }

    @Test
    void aConflictAtTheFirstIndexOfASegmentEmptiesThatSegmentAndKeepsTheOnesBefore() throws Exception {
        long secondSegmentStart;
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.sync();
            secondSegmentStart = LogSegment.firstIndexOf(segments(dir).get(1));
            assertThat(secondSegmentStart).as("the first segment holds entries to keep").isGreaterThan(1);

            storage.append(entries(secondSegmentStart, secondSegmentStart, 3));
            storage.sync();
        }
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            List<Entry> expected = new ArrayList<>(entries(1, secondSegmentStart - 1, 1));
            expected.add(entries(secondSegmentStart, secondSegmentStart, 3).getFirst());
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(expected);
            assertThat(storage.lastIndex()).isEqualTo(secondSegmentStart);
        }
    }

    @Test
    void appendingAgainAfterACutKeepsRollingSegmentsInOrder() {
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            storage.append(entries(1, 30, 1));
            storage.append(entries(11, 40, 2));
            storage.append(entries(25, 50, 3));
            storage.sync();
        }
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            List<Entry> expected = new ArrayList<>(entries(1, 10, 1));
            expected.addAll(entries(11, 24, 2));
            expected.addAll(entries(25, 50, 3));
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(expected);
        }
    }

    private static List<Entry> expected() {
        List<Entry> expected = new ArrayList<>(entries(1, 6, 1));
        expected.addAll(entries(7, 9, 2));
        return expected;
    }
}
