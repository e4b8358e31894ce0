package dev.quorumcommit.inventory.participant;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

@Schema(description = "What to reserve for the transaction")
record PrepareRequest(
        @NotNull @Pattern(regexp = SKU, message = SKU_RULE) @Schema(example = "apple") String sku,
        @NotNull @Min(1) @Max(MAX_QUANTITY) @Schema(example = "2") Integer quantity) {

    /** What a prepare may name and ask for, in the single route and the batched one alike. */
    static final String SKU = "[A-Za-z0-9._-]{1,64}";
    static final String SKU_RULE = "must be 1 to 64 letters, digits, '.', '_' or '-'";
    static final int MAX_QUANTITY = 1_000_000;
}
