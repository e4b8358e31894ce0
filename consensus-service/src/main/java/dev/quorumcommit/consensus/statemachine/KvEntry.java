package dev.quorumcommit.consensus.statemachine;

import java.util.Objects;

/**
 * A key's current value (raw JSON text) and its revision: the log index of the write that set it.
 */
public record KvEntry(String key, String value, long revision) {

    public KvEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
