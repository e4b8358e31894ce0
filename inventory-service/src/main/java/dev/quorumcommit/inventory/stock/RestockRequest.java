package dev.quorumcommit.inventory.stock;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

@Schema(description = "Sets the units available for ordering; units reserved by undecided transactions are kept")
record RestockRequest(@NotNull @Min(0) @Max(StockService.MAX_UNITS) @Schema(example = "50") Integer available) {
}
