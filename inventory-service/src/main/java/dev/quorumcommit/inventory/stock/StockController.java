package dev.quorumcommit.inventory.stock;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/inventory")
@Tag(name = "inventory", description = "Stock per SKU")
class StockController {

    static final String SKU = "[A-Za-z0-9._-]{1,64}";

    private final StockService service;

    StockController(StockService service) {
        this.service = service;
    }

    @PutMapping(path = "/{sku}", produces = MediaType.APPLICATION_JSON_VALUE) // a 406 before the stock is set
    @Operation(summary = "Set the stock on hand (restock)", description = "Creates the SKU if it is new.")
    @ApiResponse(responseCode = "200", description = "The stock as it now is")
    @ApiResponse(responseCode = "400", description = "available missing, negative, not an integer or above 1e9; malformed SKU",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "With the units still reserved the SKU would hold more than 1e9; "
            + "nothing changed", content = @Content(mediaType = "application/problem+json",
            schema = @Schema(implementation = ProblemDetail.class)))
    StockView restock(@PathVariable @Pattern(regexp = SKU, message = "must be 1 to 64 letters, digits, '.', '_' or '-'")
            @Parameter(example = "apple") String sku, @Valid @RequestBody RestockRequest request) {
        return service.restock(sku, request.available());
    }

    @GetMapping("/{sku}")
    @Operation(summary = "One SKU's stock")
    @ApiResponse(responseCode = "200", description = "The stock")
    @ApiResponse(responseCode = "404", description = "Unknown SKU",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    StockView find(@PathVariable @Parameter(example = "apple") String sku) {
        return service.find(sku).orElseThrow(() -> new UnknownSkuException(sku));
    }

    @GetMapping
    @Operation(summary = "Every SKU's stock, by SKU")
    List<StockView> all() {
        return service.all();
    }
}
