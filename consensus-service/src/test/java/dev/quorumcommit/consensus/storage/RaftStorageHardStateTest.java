package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.HardState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftStorageHardStateTest {

    @TempDir
    Path dir;

    @Test
    void theLastSyncedHardStateSurvivesARestart() {
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.setHardState(new HardState(1, "n1", 0));
            storage.sync();
            storage.setHardState(new HardState(3, null, 0));
            storage.setHardState(new HardState(3, "n3", 0));
            storage.sync();
        }
        try (RaftStorage storage = RaftStorage.open(dir)) {
            assertThat(storage.recovered().hardState()).isEqualTo(new HardState(3, "n3", 0));
        }
    }

    @Test
    void aHardStateThatWasNeverSyncedDoesNotCount() {
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.setHardState(new HardState(1, "n1", 0));
            storage.sync();
            storage.setHardState(new HardState(2, "n2", 0));
        }
        try (RaftStorage storage = RaftStorage.open(dir)) {
            assertThat(storage.recovered().hardState()).isEqualTo(new HardState(1, "n1", 0));
        }
    }

    @Test
    void aTornHardStateWriteLeavesThePreviousOneInPlace() throws Exception {
        HardState previous = new HardState(5, "n2", 40);
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.setHardState(previous);
            storage.sync();
        }
        Path file = dir.resolve(HardStateFile.FILE_NAME);
        byte[] before = Files.readAllBytes(file);
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.setHardState(new HardState(6, "n3", 41));
            storage.sync();
        }
        byte[] after = Files.readAllBytes(file);

        // A crash part-way through the second write: its first bytes landed, the rest of the slot did not.
        int slotStart = firstDifference(before, after) / HardStateFile.SLOT_BYTES * HardStateFile.SLOT_BYTES;
        byte[] torn = after.clone();
        int landed = slotStart + 20;
        System.arraycopy(before.length > landed ? before : new byte[after.length], landed, torn, landed, slotStart + HardStateFile.SLOT_BYTES - landed);
        Files.write(file, torn);

        try (RaftStorage storage = RaftStorage.open(dir)) {
            assertThat(storage.recovered().hardState()).isEqualTo(previous);
        }
    }

    @Test
    void aHardStateFileWithBothSlotsDamagedRefusesToOpen() throws Exception {
        try (RaftStorage storage = RaftStorage.open(dir)) {
            storage.setHardState(new HardState(1, "n1", 0));
            storage.sync();
            storage.setHardState(new HardState(2, "n1", 0));
            storage.sync();
        }
        Path file = dir.resolve(HardStateFile.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[10] ^= 1;
        bytes[HardStateFile.SLOT_BYTES + 10] ^= 1;
        Files.write(file, bytes);

        assertThatThrownBy(() -> RaftStorage.open(dir))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("both slots");
    }

    private static int firstDifference(byte[] a, byte[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return Math.min(a.length, b.length);
    }
}
