package dev.quorumcommit.consensus.kv;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.quorumcommit.consensus.kv.KvRecords.BatchAnswer;
import dev.quorumcommit.consensus.kv.KvRecords.BatchPut;
import dev.quorumcommit.consensus.kv.KvRecords.BatchRequest;
import dev.quorumcommit.consensus.kv.KvRecords.BatchResult;
import dev.quorumcommit.consensus.kv.KvRecords.DeleteBatchAnswer;
import dev.quorumcommit.consensus.kv.KvRecords.DeleteBatchRequest;
import dev.quorumcommit.consensus.kv.KvRecords.DeleteResult;
import dev.quorumcommit.consensus.kv.KvRecords.KvAnswer;
import dev.quorumcommit.consensus.kv.KvRecords.PutRequest;
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
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Conditional writes and deletes of keys, through the leader. */
@RestController
@Tag(name = "kv", description = "A compare-and-set key-value store; every revision is the log index of its write")
class KvWriteController {

    private final ConsensusNode node;
    private final LeaderRouter router;

    KvWriteController(ConsensusNode node, LeaderRouter router) {
        this.node = node;
        this.router = router;
    }

    @PutMapping(path = "/api/kv/{key}", produces = MediaType.APPLICATION_JSON_VALUE) // a 406 before the write, not after
    @Operation(summary = "Write a key, optionally only if absent or at an expected revision",
            description = "Answers once the write is committed and applied. With 'ifAbsent' the first writer wins"
                    + " (the 2PC decision register). A failed condition is a 409 carrying the current value."
                    + " An optional Idempotency-Key makes a retry return the first answer.")
    @ApiResponse(responseCode = "200", description = "Written; 'revision' is the log index of this write",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = KvAnswer.class)))
    @ApiResponse(responseCode = "400", description = "Bad key, malformed JSON, no value, or a wrong type",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.BAD_REQUEST)))
    @ApiResponse(responseCode = "409", description = "The condition failed; carries the current key, value and revision",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = KvRecords.CONFLICT_EXAMPLE)))
    @ApiResponse(responseCode = "413", description = "The value is larger than 1 MiB",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.TOO_LARGE)))
    @ApiResponse(responseCode = "503", description = "No leader with a quorum within the deadline; see Retry-After",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.UNAVAILABLE)))
    ResponseEntity<?> put(@PathVariable @Pattern(regexp = Requests.KEY_PATTERN, message = Requests.KEY_RULE) String key,
            @Valid @RequestBody PutRequest body,
            @RequestHeader(name = Requests.IDEMPOTENCY_KEY, required = false)
            @Pattern(regexp = Requests.IDEMPOTENCY_KEY_PATTERN, message = Requests.IDEMPOTENCY_KEY_RULE) String idempotencyKey,
            HttpServletRequest request) {
        int size = body.value().utf8Length();
        if (size > RawJson.MAX_BYTES) {
            throw ApiProblem.tooLarge("value", size);
        }
        boolean ifAbsent = Boolean.TRUE.equals(body.ifAbsent());
        if (ifAbsent && body.expectedRevision() != null) {
            throw ApiProblem.badRequest("'ifAbsent' and 'expectedRevision' contradict each other: an absent key has no revision."
                    + " Give one of them.");
        }
        Command command = new Command.Put(key, body.value().json(), body.expectedRevision(), ifAbsent, idempotencyKey,
                System.currentTimeMillis());
        String expectation = ifAbsent ? "asked for it to be absent" : "expected revision " + body.expectedRevision();
        return router.route(request, body, () -> node.propose(command), result -> switch (FirstAnswers.of(result, idempotencyKey)) {
            case ApplyResult.KvWritten written -> ResponseEntity.ok(KvAnswer.of(written.entry()));
            case ApplyResult.KvConflict conflict -> throw KvRecords.conflict(key, conflict.current(), expectation);
            case ApplyResult other -> throw new IllegalStateException("a put was answered with " + other);
        });
    }

    @PostMapping(path = "/api/kv", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Write many keys in one log entry, each under its own condition",
            description = "An extension of the contract, for clients with many independent writes at once (order-service"
                    + " writes the decisions of all the transactions it has in flight in one request). The writes are"
                    + " applied in order, as one log entry: each is a PUT /api/kv/{key}, judged on its own, so one whose"
                    + " condition fails changes nothing and leaves the others alone. Every write that happens gets the"
                    + " entry's index as its revision. An optional Idempotency-Key makes a retry return the first answer.")
    @ApiResponse(responseCode = "200", description = "Applied; one result per write, in order",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = BatchAnswer.class)))
    @ApiResponse(responseCode = "400", description = "No writes or too many, a bad key, malformed JSON, no value, a wrong type",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.BAD_REQUEST)))
    @ApiResponse(responseCode = "413", description = "The values are larger than 1 MiB together",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.TOO_LARGE)))
    @ApiResponse(responseCode = "503", description = "No leader with a quorum within the deadline; see Retry-After",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.UNAVAILABLE)))
    ResponseEntity<?> putBatch(@Valid @RequestBody BatchRequest body,
            @RequestHeader(name = Requests.IDEMPOTENCY_KEY, required = false)
            @Pattern(regexp = Requests.IDEMPOTENCY_KEY_PATTERN, message = Requests.IDEMPOTENCY_KEY_RULE) String idempotencyKey,
            HttpServletRequest request) {
        long now = System.currentTimeMillis();
        int size = 0;
        List<Command.Put> puts = new ArrayList<>(body.puts().size());
        for (int i = 0; i < body.puts().size(); i++) {
            BatchPut put = body.puts().get(i);
            size += put.value().utf8Length();
            boolean ifAbsent = Boolean.TRUE.equals(put.ifAbsent());
            if (ifAbsent && put.expectedRevision() != null) {
                throw ApiProblem.badRequest("puts[" + i + "]: 'ifAbsent' and 'expectedRevision' contradict each other: an"
                        + " absent key has no revision. Give one of them.");
            }
            puts.add(new Command.Put(put.key(), put.value().json(), put.expectedRevision(), ifAbsent, null, now));
        }
        if (size > RawJson.MAX_BYTES) {
            throw ApiProblem.tooLarge("sum of the values", size);
        }
        Command command = new Command.PutBatch(puts, idempotencyKey, now);
        return router.route(request, body, () -> node.propose(command), result -> switch (FirstAnswers.of(result, idempotencyKey)) {
            case ApplyResult.KvBatchApplied applied -> ResponseEntity.ok(new BatchAnswer(applied.results().stream()
                    .map(each -> switch (each) {
                        case ApplyResult.KvWritten written -> BatchResult.written(written.entry());
                        case ApplyResult.KvConflict conflict -> BatchResult.refused(conflict.key(), conflict.current());
                        case ApplyResult other -> throw new IllegalStateException("a batched put was answered with " + other);
                    }).toList()));
            case ApplyResult other -> throw new IllegalStateException("a put batch was answered with " + other);
        });
    }

    @PostMapping(path = "/api/kv/deletes", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Delete many keys in one log entry",
            description = "An extension of the contract, the counterpart of POST /api/kv: order-service forgets the decisions"
                    + " of transactions finished long ago, many at a time, so that the store does not grow with every order"
                    + " ever placed. Unconditional: a key already absent is reported so and changes nothing, which makes"
                    + " the request safe to repeat. An optional Idempotency-Key makes a retry return the first answer.")
    @ApiResponse(responseCode = "200", description = "Applied; one result per key, in order",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DeleteBatchAnswer.class)))
    @ApiResponse(responseCode = "400", description = "No keys or too many, a bad key, malformed JSON",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.BAD_REQUEST)))
    @ApiResponse(responseCode = "503", description = "No leader with a quorum within the deadline; see Retry-After",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.UNAVAILABLE)))
    ResponseEntity<?> deleteBatch(@Valid @RequestBody DeleteBatchRequest body,
            @RequestHeader(name = Requests.IDEMPOTENCY_KEY, required = false)
            @Pattern(regexp = Requests.IDEMPOTENCY_KEY_PATTERN, message = Requests.IDEMPOTENCY_KEY_RULE) String idempotencyKey,
            HttpServletRequest request) {
        Command command = new Command.DeleteBatch(body.keys(), idempotencyKey, System.currentTimeMillis());
        return router.route(request, body, () -> node.propose(command), result -> switch (FirstAnswers.of(result, idempotencyKey)) {
            case ApplyResult.KvBatchApplied applied -> ResponseEntity.ok(new DeleteBatchAnswer(applied.results().stream()
                    .map(each -> switch (each) {
                        case ApplyResult.Deleted deleted -> new DeleteResult(deleted.key(), true);
                        case ApplyResult.NotFound absent -> new DeleteResult(absent.key(), false);
                        case ApplyResult other -> throw new IllegalStateException("a batched delete was answered with " + other);
                    }).toList()));
            case ApplyResult other -> throw new IllegalStateException("a delete batch was answered with " + other);
        });
    }

    @DeleteMapping("/api/kv/{key}")
    @Operation(summary = "Delete a key, optionally only at an expected revision")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "400", description = "Bad key, or 'expectedRevision' not a whole number of at least 1",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON))
    @ApiResponse(responseCode = "404", description = "The key is absent", content = @Content(mediaType = ProblemDocs.PROBLEM_JSON))
    @ApiResponse(responseCode = "409", description = "The revision does not match; carries the current key, value and revision",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = KvRecords.CONFLICT_EXAMPLE)))
    @ApiResponse(responseCode = "503", description = "No leader with a quorum within the deadline; see Retry-After",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON, examples = @ExampleObject(value = ProblemDocs.UNAVAILABLE)))
    ResponseEntity<?> delete(@PathVariable @Pattern(regexp = Requests.KEY_PATTERN, message = Requests.KEY_RULE) String key,
            @RequestParam(required = false) @Min(value = 1, message = "must be a revision, at least 1") Long expectedRevision,
            @RequestHeader(name = Requests.IDEMPOTENCY_KEY, required = false)
            @Pattern(regexp = Requests.IDEMPOTENCY_KEY_PATTERN, message = Requests.IDEMPOTENCY_KEY_RULE) String idempotencyKey,
            HttpServletRequest request) {
        Command command = new Command.Delete(key, expectedRevision, idempotencyKey, System.currentTimeMillis());
        return router.route(request, null, () -> node.propose(command), result -> switch (FirstAnswers.of(result, idempotencyKey)) {
            case ApplyResult.Deleted deleted -> ResponseEntity.noContent().build();
            case ApplyResult.NotFound notFound -> throw ApiProblem.notFound("The key '" + key + "' is absent. Nothing was changed.");
            case ApplyResult.KvConflict conflict -> throw KvRecords.conflict(key, conflict.current(),
                    "expected revision " + expectedRevision);
            case ApplyResult other -> throw new IllegalStateException("a delete was answered with " + other);
        });
    }
}
