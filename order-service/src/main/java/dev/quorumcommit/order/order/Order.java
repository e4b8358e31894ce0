package dev.quorumcommit.order.order;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.springframework.data.domain.Persistable;

import dev.quorumcommit.twopc.Reasons;

/**
 * An order. Its id is assigned here, so it tells Spring Data itself whether it is new: otherwise save() would
 * merge it, reading the row first to find out there is none.
 */
@Entity
@Table(name = "orders")
class Order implements Persistable<String> {

    @Id
    private String id;
    private String sku;
    private int quantity;
    private String customerId;
    @Enumerated(EnumType.STRING)
    private OrderStatus status;
    private String reason;
    private String txId;
    private String idempotencyKey;
    private Instant createdAt;
    @Transient
    private boolean isNew = true;

    protected Order() {
    }

    Order(String id, String sku, int quantity, String customerId, String txId, String idempotencyKey, Instant createdAt) {
        this.id = id;
        this.sku = sku;
        this.quantity = quantity;
        this.customerId = customerId;
        this.status = OrderStatus.PENDING;
        this.txId = txId;
        this.idempotencyKey = idempotencyKey;
        this.createdAt = createdAt;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return isNew;
    }

    @PostLoad
    @PostPersist
    void stored() {
        isNew = false;
    }

    /** The request that placed this order, as a retry of it would read. */
    PlaceOrderRequest asRequest() {
        return new PlaceOrderRequest(sku, quantity, customerId);
    }

    OrderView view() {
        return new OrderView(id, sku, quantity, status, txId, reason);
    }

    /** This order as the order participant's commit leaves it: only its status changes. */
    OrderView confirmedView() {
        return new OrderView(id, sku, quantity, OrderStatus.CONFIRMED, txId, null);
    }

    OrderStatus status() {
        return status;
    }

    void reject(String reason) {
        if (status == OrderStatus.PENDING) {
            status = OrderStatus.REJECTED;
            this.reason = Reasons.fit(reason);
        }
    }
}
