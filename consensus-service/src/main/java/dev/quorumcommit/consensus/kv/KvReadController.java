package dev.quorumcommit.consensus.kv;


import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.quorumcommit.consensus.kv.KvRecords.KvAnswer;
import dev.quorumcommit.consensus.node.ConsensusNode;
import dev.quorumcommit.consensus.web.ApiProblem;
import dev.quorumcommit.consensus.web.LeaderRouter;
import dev.quorumcommit.consensus.web.ProblemDocs;
import dev.quorumcommit.consensus.web.Requests;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Reads a key. A linearizable read goes through the leader's ReadIndex (forwarded when this node
 * does not lead), so it sees every write acknowledged before it began; a stale read answers from
 * this node's state machine at once.
 */
@RestController
@Tag(name = "kv")
class KvReadController {

    private final ConsensusNode node;
    private final LeaderRouter router;

    KvReadController(ConsensusNode node, LeaderRouter router) {
        this.node = node;
        this.router = router;
    }

    @GetMapping("/api/kv/{key}")
    @Operation(summary = "Read a key", description = "'linearizable' (the default) sees every write acknowledged before"
            + " the read began; 'stale' answers from this node at once and may lag behind the leader.")
    @ApiResponse(responseCode = "200", description = "The key's value and revision",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = KvAnswer.class)))
    @ApiResponse(responseCode = "400", description = "Bad key, or 'consistency' neither 'linearizable' nor 'stale'",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON))
    @ApiResponse(responseCode = "404", description = "The key is absent", content = @Content(mediaType = ProblemDocs.PROBLEM_JSON))
    @ApiResponse(responseCode = "503", description = "Linearizable only: no leader with a quorum within the deadline",
            content = @Content(mediaType = ProblemDocs.PROBLEM_JSON))
    ResponseEntity<?> get(@PathVariable @Pattern(regexp = Requests.KEY_PATTERN, message = Requests.KEY_RULE) String key,
            // No defaultValue: Spring would put it in for an empty ?consistency= too, and a client that meant to
            // choose, and chose nothing, is better told than quietly given the slower read.
            @Parameter(description = "linearizable (when absent) or stale", schema = @Schema(type = "string",
                    allowableValues = {"linearizable", "stale"}, defaultValue = "linearizable"))
            @RequestParam(required = false)
            @Pattern(regexp = "linearizable|stale", message = "must be 'linearizable' or 'stale'") String consistency,
            HttpServletRequest request) {
        if ("stale".equals(consistency)) {
            return read(key);
        }
        return router.route(request, null, node::readBarrier, ignored -> read(key));
    }

    private ResponseEntity<?> read(String key) {
        return node.stateMachine().get(key)
                .<ResponseEntity<?>>map(entry -> ResponseEntity.ok(KvAnswer.of(entry)))
                .orElseThrow(() -> ApiProblem.notFound("The key '" + key + "' is absent."));
    }
}
