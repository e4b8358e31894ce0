package dev.quorumcommit.consensus.statemachine;

import java.util.List;

/**
 * Log records read under one lock, with the bounds they were read against: {@code lastApplied} tells
 * a reader (the SSE stream) up to where it has seen everything, even when no record was found.
 *
 * @param compacted true when the requested start lies before {@code firstIndex}; then {@code records} is empty
 */
public record LogPage(List<LogRecord> records, long firstIndex, long lastApplied, boolean compacted) {

    public LogPage {
        records = List.copyOf(records);
    }
}
