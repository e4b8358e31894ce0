package dev.quorumcommit.inventory.participant;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

@Schema(description = "What to reserve for the transaction")
record PrepareRequest(
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1 to 64 letters, digits, '.', '_' or '-'")
        @Schema(example = "BOOK-42") String sku,
        @NotNull @Min(1) @Max(1_000_000) @Schema(example = "2") Integer quantity) {
}
