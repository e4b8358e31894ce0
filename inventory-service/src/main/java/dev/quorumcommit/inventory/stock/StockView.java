package dev.quorumcommit.inventory.stock;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "A SKU's stock: available can still be ordered, reserved is held by undecided transactions")
record StockView(@Schema(example = "apple") String sku, @Schema(example = "10") int available,
        @Schema(example = "2") int reserved) {

    static StockView of(Stock stock) {
        return new StockView(stock.getSku(), stock.getAvailable(), stock.getReserved());
    }
}
