package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.raft.HardState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.quorumcommit.consensus.storage.StorageFixtures.TINY_SEGMENTS;
import static dev.quorumcommit.consensus.storage.StorageFixtures.entries;
import static dev.quorumcommit.consensus.storage.StorageFixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftStorageRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void aNewDirectoryOpensEmptyWithTheInitialHardState() {
        try (RaftStorage storage = RaftStorage.open(dir)) {
            RecoveredState state = storage.recovered();
            assertThat(state.hardState()).isEqualTo(HardState.INITIAL);
            assertThat(state.snapshot()).isNull();
            assertThat(state.entries()).isEmpty();
            assertThat(state.tornTail()).isNull();
            assertThat(storage.firstIndex()).isEqualTo(1);
            assertThat(storage.lastIndex()).isZero();
            assertThat(storage.term(0)).isZero();
        }
    }

    @Test
    void syncedEntriesAndHardStateComeBackAfterReopening() {
        List<Entry> written = new ArrayList<>(entries(1, 3, 1));
        written.add(Entry.noop(4, 2));
        written.addAll(entries(5, 9, 2));
        HardState hardState = new HardState(2, "n2", 7);
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.append(written.subList(0, 4));
            storage.append(written.subList(4, written.size()));
            storage.setHardState(hardState);
            storage.sync();
        }

        try (RaftStorage storage = RaftStorage.open(dir)) {
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(written);
            assertThat(storage.recovered().hardState()).isEqualTo(hardState);
            assertThat(storage.lastIndex()).isEqualTo(9);
            assertThat(storage.term(4)).isEqualTo(2);
            assertThat(storage.entries(2, 6)).containsExactlyElementsOf(written.subList(1, 5));
        }
    }

    @Test
    void entriesSpreadOverManySegmentsReadBackFromDiskAndFromTheCache() throws Exception {
        List<Entry> written = entries(1, 40, 3);
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS.withCachedEntries(5))) {
            storage.append(written);
            storage.sync();
            assertThat(storage.entries(1, 41)).containsExactlyElementsOf(written);
            assertThat(storage.entries(38, 41)).containsExactlyElementsOf(written.subList(37, 40));
        }
        try (RaftStorage storage = RaftStorage.open(dir, TINY_SEGMENTS)) {
            assertThat(segments(dir)).hasSizeGreaterThan(5);
            assertThat(storage.recovered().entries()).containsExactlyElementsOf(written);
            assertThat(storage.entries(7, 23)).containsExactlyElementsOf(written.subList(6, 22));
        }
    }

    @Test
    void unsyncedAppendsCanBeReadBeforeTheyAreSynced() {
        try (RaftStorage storage = RaftStorage.open(dir, StorageOptions.DEFAULTS.withCachedEntries(0))) {
            storage.append(entries(1, 3, 1));
            assertThat(storage.entries(1, 4)).containsExactlyElementsOf(entries(1, 3, 1));
        }
    }

    @Test
    void appendsThatLeaveAGapOrSendTermsBackAreRefused() {
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.append(entries(1, 3, 2));
            assertThatThrownBy(() -> storage.append(entries(5, 6, 2))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gap");
            assertThatThrownBy(() -> storage.append(entries(4, 4, 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never go back");
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFailsWhileTheFirstHoldsIt() {
        try (RaftStorage first = RaftStorage.open(dir)) {
            assertThatThrownBy(() -> RaftStorage.open(dir))
                    .isInstanceOf(DirectoryLockedException.class)
                    .hasMessageContaining(dir.toAbsolutePath().normalize().toString())
                    .hasMessageContaining("another process");
            first.append(entries(1, 1, 1));
        }
        try (RaftStorage again = RaftStorage.open(dir)) {
            assertThat(again.recovered().hardState()).isEqualTo(HardState.INITIAL);
        }
    }
}
