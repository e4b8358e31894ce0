package dev.quorumcommit.order.order;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.order.participant.InventoryClient;
import dev.quorumcommit.order.participant.OrderParticipant;
import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.coordinator.Coordinator;
import dev.quorumcommit.twopc.coordinator.Outcome;
import dev.quorumcommit.twopc.local.SyncingJpaTransactionManager;

/**
 * Places an order: writes it PENDING, then runs its transaction with the coordinator over
 * inventory and the order participant, and answers with the order as it stands afterwards.
 * A retry with the same Idempotency-Key finds the first order and starts nothing.
 * <p>
 * Transactions are admitted through the "transactions" bulkhead: a burst of orders waits for a permit
 * before anything is written, instead of starting hundreds of transactions at once whose prepare time
 * limits would then expire in the queues for the database and the SKU's row lock, rejecting orders
 * while their stock was there (and leaving it unsold once those aborts released it). Waiting before the
 * order is written also keeps recovery away from it: an order PENDING past the participant's timeout
 * with no prepare recorded is aborted as abandoned.
 */
@Service
class OrderService {

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    private final OrderRepository orders;
    private final Coordinator coordinator;
    private final InventoryClient inventory;
    private final OrderParticipant orderParticipant;
    private final TransactionTemplate reads;
    private final Clock clock;
    private final Bulkhead admission;
    private final Bulkhead listings;
    private final TimeOrderedIds ids;

    OrderService(OrderRepository orders, Coordinator coordinator, InventoryClient inventory,
            OrderParticipant orderParticipant, TransactionTemplate local, Clock clock, BulkheadRegistry bulkheads) {
        this.orders = orders;
        this.coordinator = coordinator;
        this.inventory = inventory;
        this.orderParticipant = orderParticipant;
        this.reads = SyncingJpaTransactionManager.forReads(local);
        this.clock = clock;
        this.admission = bulkheads.bulkhead("transactions");
        this.listings = bulkheads.bulkhead("listings");
        this.ids = new TimeOrderedIds(clock);
    }

    OrderView place(PlaceOrderRequest request, String idempotencyKey) {
        Optional<OrderView> earlier = retryOf(request, idempotencyKey);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        try {
            return admission.executeSupplier(() -> placeAdmitted(request, idempotencyKey));
        } catch (BulkheadFullException e) {
            throw busy("Too many orders are being placed at once; nothing was recorded, try again shortly.", e);
        }
    }

    private static ErrorResponseException busy(String detail, Throwable cause) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setTitle("Busy");
        ErrorResponseException busy = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, cause);
        busy.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return busy;
    }

    private OrderView placeAdmitted(PlaceOrderRequest request, String idempotencyKey) {
        String txId = ids.next().toString();
        String orderId = ids.next().toString();
        Order order = new Order(orderId, request.sku(), request.quantity(), request.customerId(), txId, idempotencyKey,
                clock.instant());
        Outcome outcome;
        try {
            // The order row is written in the coordinator's first local commit, with the transaction record and
            // the order participant's prepare: one commit instead of three.
            outcome = coordinator.run(txId, List.of(inventory.branch(request.sku(), request.quantity()),
                    orderParticipant.branch(() -> orders.save(order))));
        } catch (DataIntegrityViolationException e) {
            // A concurrent retry with the same key won the insert: its order is the answer, and ours rolled back
            // with its transaction record before anyone was asked to prepare.
            return retryOf(request, idempotencyKey).orElseThrow(() -> e);
        }
        if (outcome.decision() == Decision.COMMIT && outcome.appliedLocally()) {
            // The order participant's commit, durable before run() returned, confirmed the order and changed
            // nothing else in it: the answer needs no read back (a local transaction and a query per order).
            return order.confirmedView();
        }
        return find(orderId).orElseThrow(); // a rejection's reason, or an order still pending, is as stored
    }

    Optional<OrderView> find(String orderId) {
        return reads.execute(s -> orders.findById(orderId).map(Order::view));
    }

    /**
     * Gives {@code reader} every order of the filter, oldest first, as a stream read within one read transaction. The
     * query has run before {@code reader} is called, so a database that fails at once fails here, before any answer.
     */
    void search(OrderStatus status, String sku, Consumer<Stream<OrderView>> reader) {
        // The transaction holds one of the pool's connections for as long as the client takes to read the list: the
        // "listings" bulkhead keeps a few slow readers from taking the connections that orders need.
        if (!listings.tryAcquirePermission()) {
            throw busy("Too many order listings are being written at once; try again shortly.", null);
        }
        try {
            reads.executeWithoutResult(s -> {
                try (Stream<OrderView> found = orders.search(status, sku)) {
                    reader.accept(found);
                }
            });
        } finally {
            listings.onComplete();
        }
    }

    /**
     * The order an earlier request with this key placed, if any. The key alone names the order, as the contract has
     * it: a request with a key already used is answered with that key's order, whatever it asks. One that asks for
     * another order is a client's mistake (a retry repeats its request), so it is logged, for whoever runs the client.
     */
    private Optional<OrderView> retryOf(PlaceOrderRequest request, String key) {
        if (key == null) {
            return Optional.empty();
        }
        Optional<Order> earlier = reads.execute(s -> orders.findByIdempotencyKey(key));
        earlier.filter(order -> !order.asRequest().equals(request)).ifPresent(order -> log.warn(
                "Idempotency-Key '{}' already placed order {} ({}); a request with it asks for {}: answered with the"
                        + " first order, nothing placed. A retry must repeat its request; another order needs another key.",
                key, order.getId(), order.asRequest().inWords(), request.inWords()));
        return earlier.map(Order::view);
    }
}
