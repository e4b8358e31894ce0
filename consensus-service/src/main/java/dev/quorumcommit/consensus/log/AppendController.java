package dev.quorumcommit.consensus.log;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.quorumcommit.consensus.log.LogRecords.AppendAnswer;
import dev.quorumcommit.consensus.log.LogRecords.AppendRequest;
import dev.quorumcommit.consensus.node.ConsensusNode;
import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.statemachine.Command;
import dev.quorumcommit.consensus.web.ApiProblem;
import dev.quorumcommit.consensus.web.FirstAnswers;
import dev.quorumcommit.consensus.web.LeaderRouter;
import dev.quorumcommit.consensus.web.ProblemDocs;
import dev.quorumcommit.consensus.web.RawJson;
import dev.quorumcommit.consensus.web.Requests;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Appends to the replicated log, through the leader. */
@RestController
@Tag(name = "log", description = "The replicated log: append JSON entries, read and follow the committed ones")
class AppendController {

    private final ConsensusNode node;
    private final LeaderRouter router;

    AppendController(ConsensusNode node, LeaderRouter router) {
        this.node = node;
        this.router = router;
    }

    @PostMapping(path = "/api/log", produces = MediaType.APPLICATION_JSON_VALUE) // a 406 before the append, not after
    @Operation(summary = "Append an entry to the replicated log",
            description = "Answers once the entry is committed by a majority and applied. Any node takes the request;"
                    + " a follower forwards it to the leader. With an Idempotency-Key, a retry returns the first answer"
                    + " and appends nothing (keys are remembered for at least 10 minutes).")
    @ApiResponse(responseCode = "201", description = "Committed and applied",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = AppendAnswer.class)))
    @ApiResponse(responseCode = "400", description = "Malformed JSON, no payload, or a bad Idempotency-Key",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.BAD_REQUEST)))
    @ApiResponse(responseCode = "413", description = "The payload is larger than 1 MiB",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.TOO_LARGE)))
    @ApiResponse(responseCode = "503", description = "No leader with a quorum within the deadline; see Retry-After",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.UNAVAILABLE)))
    ResponseEntity<?> append(@Valid @RequestBody AppendRequest body,
            @Parameter(description = "Makes retries safe: the same key returns the first answer", example = "order-17-log")
            @RequestHeader(name = Requests.IDEMPOTENCY_KEY, required = false)
            @Pattern(regexp = Requests.IDEMPOTENCY_KEY_PATTERN, message = Requests.IDEMPOTENCY_KEY_RULE) String idempotencyKey,
            HttpServletRequest request) {
        int size = body.payload().utf8Length();
        if (size > RawJson.MAX_BYTES) {
            throw ApiProblem.tooLarge("payload", size);
        }
        Command command = new Command.AppendLog(body.payload().json(), idempotencyKey, System.currentTimeMillis());
        return router.route(request, body, () -> node.propose(command), result -> switch (FirstAnswers.of(result, idempotencyKey)) {
            case ApplyResult.LogAppended appended -> ResponseEntity.created(URI.create("/api/log/" + appended.index()))
                    .body(new AppendAnswer(appended.index(), appended.term()));
            case ApplyResult other -> throw new IllegalStateException("an append was answered with " + other);
        });
    }
}
