package dev.quorumcommit.consensus.log;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.quorumcommit.consensus.log.LogRecords.LogEntryAnswer;
import dev.quorumcommit.consensus.log.LogRecords.LogPageAnswer;
import dev.quorumcommit.consensus.node.ConsensusNode;
import dev.quorumcommit.consensus.statemachine.LogPage;
import dev.quorumcommit.consensus.statemachine.LogRecord;
import dev.quorumcommit.consensus.web.ApiProblem;
import dev.quorumcommit.consensus.web.ProblemDocs;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Reads the committed log from this node's state machine: no round trip to the leader, so a
 * follower may lag a little behind it (its commitIndex says how far it is).
 */
@RestController
@Tag(name = "log")
class LogReadController {

    /** Not a {@code defaultValue}: Spring would put that in for an empty {@code limit=} too, instead of a 400. */
    private static final int DEFAULT_LIMIT = 100;

    private final ConsensusNode node;

    LogReadController(ConsensusNode node) {
        this.node = node;
    }

    @GetMapping("/api/log")
    @Operation(summary = "Read committed log entries in order",
            description = "Entries from index 'from' on (default: the first index still kept), at most 'limit'."
                    + " Only indexes that hold a log entry are listed: key-value writes and leaders' no-ops take"
                    + " indexes too, so indexes may have gaps.")
    @ApiResponse(responseCode = "200", description = "A page of committed entries")
    @ApiResponse(responseCode = "400", description = "'from' below 1, 'limit' outside 1..1000, or not a whole number",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.BAD_REQUEST)))
    @ApiResponse(responseCode = "410", description = "'from' lies before the first index still kept",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.GONE)))
    LogPageAnswer page(@RequestParam(required = false) @Min(value = 1, message = "must be at least 1") Long from,
            @RequestParam(required = false) @Parameter(schema = @Schema(defaultValue = "100"))
            @Min(value = 1, message = "must be from 1 to 1000") @Max(value = 1000, message = "must be from 1 to 1000") Integer limit) {
        long start = from == null ? node.stateMachine().firstIndex() : from;
        LogPage page = node.stateMachine().readLog(start, limit == null ? DEFAULT_LIMIT : limit);
        if (page.compacted()) {
            throw compacted(start, page.firstIndex());
        }
        return new LogPageAnswer(page.records().stream().map(LogEntryAnswer::of).toList(), page.firstIndex(),
                node.status().commitIndex());
    }

    @GetMapping("/api/log/{index}")
    @Operation(summary = "Read one committed log entry")
    @ApiResponse(responseCode = "200", description = "The entry")
    @ApiResponse(responseCode = "400", description = "The index is below 1 or not a whole number",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON))
    @ApiResponse(responseCode = "404", description = "Not committed yet, or the index holds no log entry",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON))
    @ApiResponse(responseCode = "410", description = "Compacted away",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.GONE)))
    LogEntryAnswer entry(@PathVariable @Min(value = 1, message = "must be at least 1") long index) {
        LogPage page = node.stateMachine().readLog(index, 1);
        if (page.compacted()) {
            throw compacted(index, page.firstIndex());
        }
        if (index > page.lastApplied()) {
            throw ApiProblem.notFound("Index " + index + " is not committed yet: this node has applied up to "
                    + page.lastApplied() + ". Retry later, or follow /api/log/stream?from=" + index + ".");
        }
        LogRecord record = page.records().isEmpty() ? null : page.records().getFirst();
        if (record == null || record.index() != index) {
            throw ApiProblem.notFound("Index " + index + " is committed but holds no log entry: it is a key-value write"
                    + " or a new leader's no-op. GET /api/log lists the log entries.");
        }
        return LogEntryAnswer.of(record);
    }

    static RuntimeException compacted(long index, long firstIndex) {
        return ApiProblem.gone(firstIndex, "Index " + index + " was compacted away; the first index still kept is "
                + firstIndex + ". Read from " + firstIndex + " on.");
    }
}
