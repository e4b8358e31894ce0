package dev.quorumcommit.consensus.raft;

import java.util.Objects;

/** A state machine's whole state as of {@link SnapshotMetadata#lastIncludedIndex()}, as opaque bytes. */
public record Snapshot(SnapshotMetadata metadata, byte[] data) {

    public Snapshot {
        Objects.requireNonNull(metadata, "metadata");
        data = data == null ? new byte[0] : data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && s.metadata.equals(metadata) && java.util.Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return metadata.hashCode() * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Snapshot[" + metadata + ", " + data.length + "B]";
    }
}
