package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.quorumcommit.consensus.storage.StorageFixtures.TINY_SEGMENTS;
import static dev.quorumcommit.consensus.storage.StorageFixtures.entries;
import static dev.quorumcommit.consensus.storage.StorageFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftStorageTornTailTest {

    @TempDir
    Path dir;

    @Test
    void aSegmentCutAtEveryByteOfItsLastRecordReopensWithThatRecordGoneAndEverythingBeforeIntact() throws Exception {
        List<Entry> written = entries(1, 5, 1);
        writeAndSync(written, StorageOptions.DEFAULTS);
        Path segment = segments(dir).getFirst();
        byte[] whole = Files.readAllBytes(segment);
        int lastRecordStart = whole.length - RecordCodec.recordBytes(written.getLast());

        for (int cut = lastRecordStart; cut < whole.length; cut++) {
            Files.write(segment, Arrays.copyOf(whole, cut));
            try (RaftStorage storage = RaftStorage.open(dir)) {
                assertThat(storage.recovered().entries()).as("cut at byte %d", cut).containsExactlyElementsOf(written.subList(0, 4));
                if (cut == lastRecordStart) {
                    assertThat(storage.recovered().tornTail()).as("a cut between records tears nothing").isNull();
                } else {
                    TornTail torn = storage.recovered().tornTail();
                    assertThat(torn.offset()).isEqualTo(lastRecordStart);
                    assertThat(torn.droppedBytes()).isEqualTo(cut - lastRecordStart);
                    assertThat(torn.firstLostIndex()).isEqualTo(5);
                }
                // The torn bytes are gone from the file, so the next append lands where they were.
                storage.append(List.of(written.getLast()));
                storage.sync();
            }
            try (RaftStorage storage = RaftStorage.open(dir)) {
                assertThat(storage.recovered().entries()).as("re-appended after cut at byte %d", cut).containsExactlyElementsOf(written);
            }
        }
    }

    @Test
    void aFlippedBitInTheLastRecordIsDroppedAsATornTail() throws Exception {
        List<Entry> written = entries(1, 5, 1);
        writeAndSync(written, StorageOptions.DEFAULTS);
        Path segment = segments(dir).getFirst();
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(segment, bytes);

        try (RaftStorage storage = RaftStorage.open(dir)) {
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(written.subList(0, 4));
            assertThat(storage.recovered().tornTail().reason()).contains("checksum");
        }
    }

    @Test
    void aFlippedBitInARecordThatIntactOnesFollowRefusesToOpen() throws Exception {
        // Records after it were written, and perhaps synced and acknowledged, after it: cutting them would lose them.
        List<Entry> written = entries(1, 5, 1);
        writeAndSync(written, StorageOptions.DEFAULTS);
        Path segment = segments(dir).getFirst();
        byte[] bytes = Files.readAllBytes(segment);
        int third = offsetOf(written, 2);
        bytes[third + RecordCodec.HEADER_BYTES + 9] ^= 0x04;
        Files.write(segment, bytes);

        assertThatThrownBy(() -> RaftStorage.open(dir))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("offset " + third)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("an intact record follows it");
    }

    @Test
    void aRecordLeftZeroByAWriteCutShortIsATornTailEvenWithIntactRecordsAfterIt() throws Exception {
        // An unsynced write whose later sectors reached the disk and whose earlier ones did not: nothing from the
        // zeroed record on was ever synced, so nothing of it was acknowledged.
        List<Entry> written = entries(1, 5, 1);
        writeAndSync(written, StorageOptions.DEFAULTS);
        Path segment = segments(dir).getFirst();
        byte[] bytes = Files.readAllBytes(segment);
        int third = offsetOf(written, 2);
        Arrays.fill(bytes, third, third + RecordCodec.recordBytes(written.get(2)), (byte) 0);
        Files.write(segment, bytes);

        try (RaftStorage storage = RaftStorage.open(dir)) {
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(written.subList(0, 2));
            assertThat(storage.recovered().tornTail().firstLostIndex()).isEqualTo(3);
        }
    }

    @Test
    void aFlippedBitInAnEarlierSegmentRefusesToOpenNamingTheSegment() throws Exception {
        writeAndSync(entries(1, 20, 1), TINY_SEGMENTS);
        List<Path> segments = segments(dir);
        assertThat(segments).hasSizeGreaterThan(2);
        Path damaged = segments.getFirst();
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[RecordCodec.HEADER_BYTES + 3] ^= 0x01;
        Files.write(damaged, bytes);

        assertThatThrownBy(() -> RaftStorage.open(dir, TINY_SEGMENTS))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining(damaged.getFileName().toString())
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("it is not the last segment, so this is not a torn write; refusing to start");
    }

    @Test
    void aMissingSegmentInTheMiddleRefusesToOpen() throws Exception {
        writeAndSync(entries(1, 20, 1), TINY_SEGMENTS);
        Files.delete(segments(dir).get(1));

        assertThatThrownBy(() -> RaftStorage.open(dir, TINY_SEGMENTS))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("do not follow on");
    }

    @Test
    void zerosAfterTheLastRecordAreCutAsATornTail() throws Exception {
        // What a file system may show after a crash that extended the file but never wrote its data.
        List<Entry> written = entries(1, 3, 1);
        writeAndSync(written, StorageOptions.DEFAULTS);
        Path segment = segments(dir).getFirst();
        byte[] bytes = Files.readAllBytes(segment);
        Files.write(segment, Arrays.copyOf(bytes, bytes.length + 4096));

        try (RaftStorage storage = RaftStorage.open(dir)) {
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(written);
            assertThat(storage.recovered().tornTail().droppedBytes()).isEqualTo(4096);
        }
        assertThat(Files.size(segment)).isEqualTo(bytes.length);
    }

    /** Where the record of {@code written.get(position)} starts in a segment that holds them all from the first. */
    private static int offsetOf(List<Entry> written, int position) {
        return written.subList(0, position).stream().mapToInt(RecordCodec::recordBytes).sum();
    }

    private void writeAndSync(List<Entry> entries, StorageOptions options) {
        try (RaftStorage storage = RaftStorage.open(dir, options)) {
            storage.append(entries);
            storage.sync();
        }
    }
}
