package dev.quorumcommit.inventory.participant;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.quorumcommit.twopc.VoteReply;

/**
 * The participant's side of 2PC over HTTP. Internal: called by order-service's coordinator, not by
 * people. Each route is idempotent per txId (the barrier), so the coordinator may repeat any of them.
 */
@RestController
@RequestMapping("/internal/2pc/transactions/{txId}")
@Tag(name = "internal: 2PC participant", description = "Internal routes of the two-phase commit, for order-service's "
        + "coordinator. Every call is idempotent per transaction id.")
class ParticipantController {

    static final String TX_ID = "[A-Za-z0-9-]{1,64}";
    static final String TX_ID_MESSAGE = "must be 1 to 64 letters, digits or '-'";

    private final InventoryParticipant participant;
    private final Chaos chaos;

    ParticipantController(InventoryParticipant participant, Chaos chaos) {
        this.participant = participant;
        this.chaos = chaos;
    }

    @PostMapping(path = "/prepare", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Phase one: reserve the units and vote", description = "YES: the units moved from available "
            + "to reserved. NO: nothing changed (unknown SKU, not enough stock, or the transaction was already aborted). "
            + "A repeat answers like the first.")
    @ApiResponse(responseCode = "200", description = "The vote")
    @ApiResponse(responseCode = "400", description = "Malformed request", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    VoteAnswer prepare(@PathVariable @Pattern(regexp = TX_ID, message = TX_ID_MESSAGE) String txId,
            @Valid @RequestBody PrepareRequest request) {
        VoteReply vote = participant.prepare(txId, request.sku(), request.quantity());
        chaos.afterPrepare(txId, vote);
        return VoteAnswer.of(txId, vote);
    }

    @PostMapping(path = "/commit", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Phase two, COMMIT: consume the reservation")
    @ApiResponse(responseCode = "200", description = "Committed (now or before)")
    @ApiResponse(responseCode = "404", description = "Never prepared here: nothing can be committed", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "Already aborted here", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    StateAnswer commit(@PathVariable @Pattern(regexp = TX_ID, message = TX_ID_MESSAGE) String txId) {
        return new StateAnswer(txId, participant.commit(txId), null);
    }

    @PostMapping(path = "/abort", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Phase two, ABORT: return the reservation", description = "An abort for a transaction not "
            + "prepared yet is recorded, and its late prepare is refused.")
    @ApiResponse(responseCode = "200", description = "Aborted (now or before)")
    @ApiResponse(responseCode = "409", description = "Already committed here", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    StateAnswer abort(@PathVariable @Pattern(regexp = TX_ID, message = TX_ID_MESSAGE) String txId) {
        return new StateAnswer(txId, participant.abort(txId), null);
    }

    @GetMapping
    @Operation(summary = "Where this participant stands in a transaction")
    @ApiResponse(responseCode = "200", description = "The barrier's record")
    @ApiResponse(responseCode = "404", description = "Never heard of", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    StateAnswer state(@PathVariable @Pattern(regexp = TX_ID, message = TX_ID_MESSAGE) String txId) {
        return participant.state(txId)
                .map(e -> new StateAnswer(txId, e.state(), e.reason()))
                .orElseThrow(() -> new dev.quorumcommit.twopc.participant.UnknownTransactionException(txId));
    }
}
