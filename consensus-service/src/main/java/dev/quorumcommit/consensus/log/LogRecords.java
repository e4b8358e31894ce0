package dev.quorumcommit.consensus.log;

import java.util.List;

import dev.quorumcommit.consensus.statemachine.LogRecord;
import dev.quorumcommit.consensus.web.RawJson;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;

/** The request and answer bodies of the log routes. */
final class LogRecords {

    @Schema(description = "An entry to append", example = "{\"payload\": {\"event\": \"order-placed\", \"amount\": 12.50}}")
    record AppendRequest(
            @Schema(description = "Any JSON value, at most 1 MiB; kept exactly as sent", types = {"object", "array", "string", "number", "boolean", "null"})
            @NotNull(message = "is required: any JSON value, null included") RawJson payload) {
    }

    @Schema(example = "{\"index\": 42, \"term\": 3}")
    record AppendAnswer(@Schema(description = "The entry's log index") long index,
                        @Schema(description = "The term of the leader that appended it") long term) {
    }

    @Schema(example = "{\"index\": 42, \"term\": 3, \"payload\": {\"event\": \"order-placed\", \"amount\": 12.50}}")
    record LogEntryAnswer(long index, long term, @Schema(description = "The JSON value appended", types = {"object", "array", "string", "number", "boolean", "null"}) RawJson payload) {

        static LogEntryAnswer of(LogRecord record) {
            return new LogEntryAnswer(record.index(), record.term(), new RawJson(record.payload()));
        }
    }

    @Schema(example = "{\"entries\": [{\"index\": 42, \"term\": 3, \"payload\": \"hello\"}], \"firstIndex\": 1, \"commitIndex\": 57}")
    record LogPageAnswer(List<LogEntryAnswer> entries,
                         @Schema(description = "The lowest index still kept; below it the log was compacted away") long firstIndex,
                         @Schema(description = "The highest index this node knows to be committed") long commitIndex) {
    }

    private LogRecords() {
    }
}
