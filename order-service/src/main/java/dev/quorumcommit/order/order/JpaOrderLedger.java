package dev.quorumcommit.order.order;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.quorumcommit.order.participant.OrderLedger;

/** The orders as the order participant sees them; called inside the participant's local transactions. */
@Component
class JpaOrderLedger implements OrderLedger {

    private final OrderRepository orders;

    JpaOrderLedger(OrderRepository orders) {
        this.orders = orders;
    }

    @Override
    public boolean isPending(String txId) {
        return orders.findByTxId(txId).map(o -> o.status() == OrderStatus.PENDING).orElse(false);
    }

    @Override
    public void confirm(String txId) {
        if (orders.confirmPending(txId) == 0 && !orders.existsByTxId(txId)) {
            throw new IllegalStateException("no order for " + txId);
        }
    }

    @Override
    public void rejectIfPending(String txId, String reason) {
        orders.findByTxId(txId).ifPresent(order -> order.reject(reason));
    }

    @Override
    public List<String> pendingSince(Instant cutoff) {
        return orders.pendingSince(cutoff);
    }
}
