package dev.quorumcommit.inventory.participant;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.Vote;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.participant.BranchState;
import dev.quorumcommit.twopc.participant.ConflictingDecisionException;
import dev.quorumcommit.twopc.participant.UnknownTransactionException;

/**
 * The participant routes for many transactions in one request: what order-service sends when many orders
 * are in flight, so that each pays for part of one HTTP request instead of a whole one. Each item is
 * handled exactly as its single route would ({@link ParticipantController}), and answered on its own: one
 * item's refusal or failure is its answer, not the batch's. The items run at once, so that their local
 * transactions share a group commit.
 */
@RestController
@RequestMapping("/internal/2pc")
@Tag(name = "internal: 2PC participant")
class ParticipantBatchController {

    static final int MAX_BATCH = 256;
    private static final Logger log = LoggerFactory.getLogger(ParticipantBatchController.class);

    private final InventoryParticipant participant;
    private final Chaos chaos;
    private final ExecutorService threads;

    ParticipantBatchController(InventoryParticipant participant, Chaos chaos,
            @Qualifier("participantBatchThreads") ExecutorService threads) {
        this.participant = participant;
        this.chaos = chaos;
        this.threads = threads;
    }

    @Schema(description = "Phase one for many transactions")
    record PrepareBatch(@NotNull @Size(min = 1, max = MAX_BATCH) List<@NotNull @Valid PrepareItem> prepares) {
    }

    @Schema(description = "One transaction's prepare: its id, and what to reserve")
    record PrepareItem(
            @NotNull @Pattern(regexp = ParticipantController.TX_ID, message = ParticipantController.TX_ID_MESSAGE) String txId,
            @NotNull @Pattern(regexp = PrepareRequest.SKU, message = PrepareRequest.SKU_RULE) String sku,
            @NotNull @Min(1) @Max(PrepareRequest.MAX_QUANTITY) Integer quantity) {
    }

    @Schema(description = "One vote per prepare, in the order of the request")
    record VoteBatch(List<VoteAnswer> votes) {
    }

    @Schema(description = "Phase two for many transactions")
    record DecisionBatch(@NotNull @Size(min = 1, max = MAX_BATCH) List<@NotNull @Valid DecisionItem> decisions) {
    }

    @Schema(description = "One transaction's decision")
    record DecisionItem(
            @NotNull @Pattern(regexp = ParticipantController.TX_ID, message = ParticipantController.TX_ID_MESSAGE) String txId,
            @NotNull Decision decision) {
    }

    @Schema(description = "One result per decision, in the order of the request")
    record DecisionResults(List<DecisionResult> results) {
    }

    @Schema(description = "What the single route would have answered: its status (200, 404 unknown transaction, 409"
            + " conflicting decision, 500 failed), the state reached, or what went wrong")
    record DecisionResult(String txId, int status, BranchState state, String detail) {
    }

    @PostMapping(path = "/prepares", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Phase one for many transactions at once",
            description = "Each prepare as POST /internal/2pc/transactions/{txId}/prepare would answer it. A prepare that"
                    + " fails votes NO and reserves nothing.")
    @ApiResponse(responseCode = "200", description = "The votes, in order")
    @ApiResponse(responseCode = "400", description = "Malformed request: nothing was prepared", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    VoteBatch prepares(@Valid @RequestBody PrepareBatch batch) {
        return new VoteBatch(each(batch.prepares(), this::prepare));
    }

    @PostMapping(path = "/decisions", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Phase two for many transactions at once",
            description = "Each decision as POST /internal/2pc/transactions/{txId}/commit or /abort would answer it,"
                    + " with that route's status in 'status'.")
    @ApiResponse(responseCode = "200", description = "The results, in order")
    @ApiResponse(responseCode = "400", description = "Malformed request: nothing was decided", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    DecisionResults decisions(@Valid @RequestBody DecisionBatch batch) {
        return new DecisionResults(each(batch.decisions(), this::decide));
    }

    private VoteAnswer prepare(PrepareItem item) {
        VoteReply vote;
        try {
            vote = participant.prepare(item.txId(), item.sku(), item.quantity());
        } catch (RuntimeException e) {
            // Rolled back, nothing recorded: a NO, as a timeout would be; the abort that follows is recorded first.
            log.warn("prepare of {} failed, voting NO: {}", item.txId(), e.toString());
            return new VoteAnswer(item.txId(), Vote.NO, "inventory could not prepare: " + e.getMessage());
        }
        chaos.afterPrepare(item.txId(), vote);
        return VoteAnswer.of(item.txId(), vote);
    }

    private DecisionResult decide(DecisionItem item) {
        try {
            BranchState state = item.decision() == Decision.COMMIT ? participant.commit(item.txId())
                    : participant.abort(item.txId());
            return new DecisionResult(item.txId(), HttpStatus.OK.value(), state, null);
        } catch (UnknownTransactionException e) {
            return new DecisionResult(item.txId(), HttpStatus.NOT_FOUND.value(), null, e.getMessage());
        } catch (ConflictingDecisionException e) {
            return new DecisionResult(item.txId(), HttpStatus.CONFLICT.value(), null, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("{} of {} failed: {}", item.decision(), item.txId(), e.toString());
            return new DecisionResult(item.txId(), HttpStatus.INTERNAL_SERVER_ERROR.value(), null, e.toString());
        }
    }

    /** Runs every item at once and answers in order: their local transactions share the group commit. */
    private <I, O> List<O> each(List<I> items, Function<I, O> handle) {
        if (items.size() == 1) {
            return List.of(handle.apply(items.getFirst()));
        }
        List<CompletableFuture<O>> answers = items.stream()
                .map(item -> CompletableFuture.supplyAsync(() -> handle.apply(item), threads)).toList();
        return answers.stream().map(CompletableFuture::join).toList();
    }
}
