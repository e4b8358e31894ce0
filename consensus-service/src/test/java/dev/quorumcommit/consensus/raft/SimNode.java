package dev.quorumcommit.consensus.raft;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One simulated server: a driver that carries out each {@link Ready} as its contract says, a
 * "disk" that keeps only what a completed persist step wrote, and a tiny state machine (a running
 * hash of the applied commands). A crash throws away everything but the disk.
 */
final class SimNode {

    /** What survives a crash. */
    static final class Disk {
        HardState hardState = HardState.INITIAL;
        Snapshot snapshot;
        final List<Entry> entries = new ArrayList<>();

        void persist(Ready rd) {
            if (rd.snapshot() != null) {
                snapshot = rd.snapshot();
                entries.clear();
            }
            if (!rd.entries().isEmpty()) {
                long first = rd.entries().getFirst().index();
                entries.removeIf(e -> e.index() >= first);
                entries.addAll(rd.entries());
            }
            if (rd.hardState() != null) {
                hardState = rd.hardState();
            }
        }

        Entry entry(long index) {
            for (Entry e : entries) {
                if (e.index() == index) {
                    return e;
                }
            }
            return null;
        }

        /** The driver compacts its own storage as it sees fit; here: keep entries after the snapshot's index. */
        void saveSnapshot(Snapshot s, long compactTo) {
            snapshot = s;
            entries.removeIf(e -> e.index() <= compactTo);
        }
    }

    final String id;
    private final java.util.function.Function<Integer, RaftConfig> configFor;
    final Disk disk = new Disk();
    RaftNode raft;
    boolean up;
    int incarnation;
    long appliedIndex;
    long appliedTerm;
    long hash;

    SimNode(String id, java.util.function.Function<Integer, RaftConfig> configFor) {
        this.id = id;
        this.configFor = configFor;
        start();
    }

    void start() {
        raft = new RaftNode(configFor.apply(incarnation++), disk.hardState, disk.snapshot, List.copyOf(disk.entries));
        restoreStateMachine(disk.snapshot);
        up = true;
    }

    void crash() {
        up = false;
        raft = null;
    }

    private void restoreStateMachine(Snapshot s) {
        if (s == null) {
            appliedIndex = 0;
            appliedTerm = 0;
            hash = 0;
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(s.data());
        appliedIndex = b.getLong();
        appliedTerm = b.getLong();
        hash = b.getLong();
        if (appliedIndex != s.metadata().lastIncludedIndex() || appliedTerm != s.metadata().lastIncludedTerm()) {
            throw new AssertionError(id + ": snapshot data " + appliedIndex + "@" + appliedTerm + " does not match " + s.metadata());
        }
    }

    /** The state machine's snapshot: index, term, hash, and padding so that it takes several chunks. */
    Snapshot takeSnapshot() {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.putLong(appliedIndex).putLong(appliedTerm).putLong(hash).putLong(~hash).putLong(appliedIndex * 31);
        return new Snapshot(new SnapshotMetadata(appliedIndex, appliedTerm), b.array());
    }

    static long mix(long hash, Entry e) {
        return hash * 1_000_003L + e.index() * 31 + e.term() * 7 + Arrays.hashCode(e.command());
    }

    /**
     * Carries out Readys until none is left, in the contract's order. {@code crashAfterPersist}
     * may decide to crash right after the disk write: messages, applies and advance are then lost.
     */
    void drain(Consumer<Message> network, SafetyChecker checker, java.util.function.BooleanSupplier crashAfterPersist) {
        while (up && raft.hasReady()) {
            Ready rd = raft.ready();
            disk.persist(rd);
            if (crashAfterPersist.getAsBoolean()) {
                crash();
                return;
            }
            if (rd.snapshot() != null) {
                restoreStateMachine(rd.snapshot());
                checker.snapshotInstalled(this, rd.snapshot());
            }
            rd.messages().forEach(network);
            for (Entry e : rd.committedEntries()) {
                if (e.index() != appliedIndex + 1) {
                    throw new AssertionError(id + ": applies " + e + " after " + appliedIndex + " (gap or repeat)");
                }
                if (!e.equals(disk.entry(e.index()))) {
                    throw new AssertionError(id + ": applies " + e + " that is not on its disk (" + disk.entry(e.index()) + ")");
                }
                appliedIndex = e.index();
                appliedTerm = e.term();
                hash = mix(hash, e);
                checker.applied(this, e);
            }
            rd.readStates().forEach(rs -> checker.readReleased(this, rs));
            raft.advance(rd);
        }
    }
}
