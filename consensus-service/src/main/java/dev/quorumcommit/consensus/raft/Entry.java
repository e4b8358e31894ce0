package dev.quorumcommit.consensus.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log.
 *
 * @param index   its position, from 1
 * @param term    the leader's term when it was appended
 * @param kind    a client's command, or the no-op a new leader appends to commit its predecessors' entries (Raft paper 5.4.2)
 * @param command the opaque bytes the state machine applies; empty for a no-op
 */
public record Entry(long index, long term, Kind kind, byte[] command) {

    public enum Kind { COMMAND, NOOP }

    public Entry {
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("entry index and term start at 1, got index " + index + " term " + term);
        }
        Objects.requireNonNull(kind, "kind");
        command = command == null ? new byte[0] : command;
    }

    public static Entry noop(long index, long term) {
        return new Entry(index, term, Kind.NOOP, new byte[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && e.index == index && e.term == term && e.kind == kind && Arrays.equals(e.command, command);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, kind, Arrays.hashCode(command));
    }

    @Override
    public String toString() {
        return "Entry[" + index + "@" + term + " " + kind + " " + command.length + "B]";
    }
}
