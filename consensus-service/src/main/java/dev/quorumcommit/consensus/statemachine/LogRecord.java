package dev.quorumcommit.consensus.statemachine;

/** One appended log payload (raw JSON text) at its log index, with the term of its entry. */
public record LogRecord(long index, long term, String payload) {
}
