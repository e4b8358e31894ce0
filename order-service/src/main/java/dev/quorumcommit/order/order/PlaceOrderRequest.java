package dev.quorumcommit.order.order;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@Schema(description = "What to order")
record PlaceOrderRequest(
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1 to 64 letters, digits, '.', '_' or '-'")
        @Schema(example = "apple") String sku,
        @NotNull @Min(1) @Max(1_000_000) @Schema(example = "2") Integer quantity,
        @Size(max = 100) @Schema(example = "alice", nullable = true) String customerId) {

    /** For a person comparing two requests: {@code 2 of 'apple' for customer 'alice'}. */
    String inWords() {
        return quantity + " of '" + sku + "'" + (customerId == null ? "" : " for customer '" + customerId + "'");
    }
}
