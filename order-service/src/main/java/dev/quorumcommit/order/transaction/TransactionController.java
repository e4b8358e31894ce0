package dev.quorumcommit.order.transaction;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.coordinator.TransactionLog;

@RestController
@Tag(name = "transactions", description = "The two-phase commits behind the orders")
class TransactionController {

    private final TransactionLog transactions;
    private final DecisionRegister register;

    TransactionController(TransactionLog transactions, DecisionRegister register) {
        this.transactions = transactions;
        this.register = register;
    }

    @GetMapping("/api/transactions/{txId}")
    @Operation(summary = "A transaction as the coordinator recorded it",
            description = "decisionKey names the consensus-service key that holds the decision.")
    @ApiResponse(responseCode = "200", description = "The transaction")
    @ApiResponse(responseCode = "404", description = "Unknown transaction", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    TransactionView find(@PathVariable String txId) {
        return transactions.find(txId).map(record -> TransactionView.of(record, register.keyOf(txId)))
                .orElseThrow(() -> {
                    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                            "No transaction " + txId + " was coordinated here.");
                    problem.setTitle("Unknown transaction");
                    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
                });
    }
}
