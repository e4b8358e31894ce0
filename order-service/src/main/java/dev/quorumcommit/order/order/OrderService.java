package dev.quorumcommit.order.order;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.order.participant.InventoryClient;
import dev.quorumcommit.order.participant.OrderParticipant;
import dev.quorumcommit.twopc.coordinator.Coordinator;

/**
 * Places an order: writes it PENDING, then runs its transaction with the coordinator over
 * inventory and the order participant, and answers with the order as it stands afterwards.
 * A retry with the same Idempotency-Key finds the first order and starts nothing.
 */
@Service
class OrderService {

    private final OrderRepository orders;
    private final Coordinator coordinator;
    private final InventoryClient inventory;
    private final OrderParticipant orderParticipant;
    private final TransactionTemplate local;
    private final Clock clock;

    OrderService(OrderRepository orders, Coordinator coordinator, InventoryClient inventory,
            OrderParticipant orderParticipant, TransactionTemplate local, Clock clock) {
        this.orders = orders;
        this.coordinator = coordinator;
        this.inventory = inventory;
        this.orderParticipant = orderParticipant;
        this.local = local;
        this.clock = clock;
    }

    OrderView place(PlaceOrderRequest request, String idempotencyKey) {
        Optional<OrderView> earlier = byIdempotencyKey(idempotencyKey);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String txId = UUID.randomUUID().toString();
        String orderId = UUID.randomUUID().toString();
        try {
            local.executeWithoutResult(s -> orders.save(new Order(orderId, request.sku(), request.quantity(),
                    request.customerId(), txId, idempotencyKey, clock.instant())));
        } catch (DataIntegrityViolationException e) {
            // A concurrent retry with the same key won the insert: its order is the answer.
            return byIdempotencyKey(idempotencyKey).orElseThrow(() -> e);
        }
        coordinator.run(txId, List.of(inventory.branch(request.sku(), request.quantity()), orderParticipant.branch()));
        return find(orderId).orElseThrow();
    }

    Optional<OrderView> find(String orderId) {
        return local.execute(s -> orders.findById(orderId).map(Order::view));
    }

    List<OrderView> search(OrderStatus status, String sku) {
        return local.execute(s -> orders.search(status, sku).stream().map(Order::view).toList());
    }

    private Optional<OrderView> byIdempotencyKey(String key) {
        return key == null ? Optional.empty() : local.execute(s -> orders.findByIdempotencyKey(key).map(Order::view));
    }
}
