package dev.quorumcommit.order.order;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.stream.Stream;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.SequenceWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/orders")
@Tag(name = "orders", description = "Orders, each placed by a two-phase commit over inventory and the order itself")
class OrderController {

    private final OrderService service;
    private final JsonMapper json;

    OrderController(OrderService service, JsonMapper json) {
        this.service = service;
        this.json = json;
    }

    @PostMapping(produces = MediaType.APPLICATION_JSON_VALUE) // a 406 must come before the order is placed, not after
    @Operation(summary = "Place an order", description = "Reserves the stock and records the order in one distributed "
            + "transaction. A retry with the same Idempotency-Key returns the first order and places nothing new. The "
            + "key alone names the order: a request that reuses it for another order is answered with the first one "
            + "(and logged as the client's mistake).")
    @ApiResponse(responseCode = "201", description = "CONFIRMED: the stock is taken")
    @ApiResponse(responseCode = "409", description = "REJECTED: reason says why (not enough stock, unknown SKU, "
            + "inventory unavailable)")
    @ApiResponse(responseCode = "202", description = "PENDING: the decision is not known yet; poll the order")
    @ApiResponse(responseCode = "400", description = "Malformed request: nothing is recorded", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<OrderView> place(@Valid @RequestBody PlaceOrderRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Size(min = 1, max = 100)
            @Parameter(example = "order-2025-0001") String idempotencyKey) {
        OrderView order = service.place(request, idempotencyKey);
        HttpStatus status = switch (order.status()) {
            case CONFIRMED -> HttpStatus.CREATED;
            case REJECTED -> HttpStatus.CONFLICT;
            case PENDING -> HttpStatus.ACCEPTED;
        };
        return ResponseEntity.status(status).location(URI.create("/api/orders/" + order.orderId())).body(order);
    }

    @GetMapping("/{orderId}")
    @Operation(summary = "One order")
    @ApiResponse(responseCode = "200", description = "The order")
    @ApiResponse(responseCode = "404", description = "Unknown order", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    OrderView find(@PathVariable String orderId) {
        return service.find(orderId).orElseThrow(() -> {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No order " + orderId + ".");
            problem.setTitle("Unknown order");
            return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
        });
    }

    /**
     * Written out as the orders are read, not gathered first: after a load test there are millions, and a list of
     * them was more than the service's heap. A database that fails at once is a 500 problem like any other; once the
     * first order is out the status is sent, so a failure part-way leaves the array unclosed: a client sees a broken
     * answer, never a shorter list that parses.
     */
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Orders, optionally by status and SKU, oldest first", description = "All of them: written "
            + "as they are read, so even millions take no more of the service's memory than a few.")
    @ApiResponse(responseCode = "200", description = "The orders", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(implementation = OrderView.class))))
    @ApiResponse(responseCode = "400", description = "An unknown status", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "Two listings are being written already; see Retry-After",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    void search(@RequestParam(required = false) OrderStatus status,
            @RequestParam(required = false) @Parameter(example = "apple") String sku, HttpServletResponse response) {
        service.search(status, sku, found -> writeArray(found, response));
    }

    /** Not closed (so no ']') unless every order was written; flushed by Tomcat's buffer, not after each order. */
    private void writeArray(Stream<OrderView> orders, HttpServletResponse response) {
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        try {
            SequenceWriter array = json.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
                    .writeValuesAsArray(response.getOutputStream());
            orders.forEach(array::write);
            array.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
