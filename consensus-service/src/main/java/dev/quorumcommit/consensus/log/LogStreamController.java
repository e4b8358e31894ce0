package dev.quorumcommit.consensus.log;

import jakarta.validation.constraints.Min;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.quorumcommit.consensus.node.ConsensusNode;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;
import dev.quorumcommit.consensus.web.ApiProblem;
import dev.quorumcommit.consensus.web.ProblemDocs;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Server-sent events: the committed log entries from an index on, as they commit. */
@RestController
@Tag(name = "log")
class LogStreamController {

    private final ReplicatedStateMachine stateMachine;
    private final LogStreams streams;

    LogStreamController(ConsensusNode node, LogStreams streams) {
        this.stateMachine = node.stateMachine();
        this.streams = streams;
    }

    @GetMapping(path = "/api/log/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Follow the committed log as server-sent events",
            description = "One event named 'entry' per committed log entry from index 'from' on (default: the next one"
                    + " to commit), with the index as its id and {index, term, payload} as its data, as entries commit."
                    + " A reconnecting client's Last-Event-ID header takes precedence over 'from'. If the stream falls"
                    + " behind compaction it gets an event named 'compacted' and ends. A stream ends after 30 minutes.")
    @ApiResponse(responseCode = "200", description = "The event stream", content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
            examples = @ExampleObject(value = "id:42\nevent:entry\ndata:{\"index\":42,\"term\":3,\"payload\":\"hello\"}\n")))
    @ApiResponse(responseCode = "400", description = "'from' or Last-Event-ID is not a whole number of at least 1",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON))
    @ApiResponse(responseCode = "410", description = "'from' lies before the first index still kept",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.GONE)))
    @ApiResponse(responseCode = "503", description = "Too many streams on this node; see Retry-After",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON))
    SseEmitter stream(@RequestParam(required = false) @Min(value = 1, message = "must be at least 1") Long from,
            @Parameter(description = "Sent by a reconnecting EventSource: resume after this index")
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        long start = from != null ? from : stateMachine.lastApplied() + 1;
        if (lastEventId != null) {
            start = resumeAfter(lastEventId);
        }
        long firstIndex = stateMachine.firstIndex();
        if (start < firstIndex) {
            throw LogReadController.compacted(start, firstIndex);
        }
        return streams.follow(start);
    }

    private static long resumeAfter(String lastEventId) {
        try {
            long last = Long.parseLong(lastEventId.trim());
            if (last >= 0) {
                return last + 1;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.badRequest("Last-Event-ID must be the index of the last event received, a whole number; was '"
                + lastEventId + "'.");
    }
}
