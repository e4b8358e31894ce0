package dev.quorumcommit.order.order;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "An order; reason says why it was rejected")
record OrderView(@Schema(example = "8d0f6f0e-5b7e-4c1e-9a51-0c6c3f7b2a10") String orderId,
        @Schema(example = "apple") String sku, @Schema(example = "2") int quantity,
        @Schema(example = "CONFIRMED") OrderStatus status,
        @Schema(example = "3f1c6a52-1d2e-4f5a-8b9c-0d1e2f3a4b5c") String txId,
        @Schema(example = "not enough stock for SKU 'apple': 1 available, 2 asked", nullable = true) String reason) {
}
