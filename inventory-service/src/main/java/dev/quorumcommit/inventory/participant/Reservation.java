package dev.quorumcommit.inventory.participant;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** What one prepared transaction holds; its status follows the decision (HELD, CONSUMED, RETURNED). */
@Entity
@Table(name = "reservation")
class Reservation {

    @Id
    private String txId;
    private String sku;
    private int quantity;
    private String status;
    private Instant createdAt;

    protected Reservation() {
    }

    Reservation(String txId, String sku, int quantity, Instant createdAt) {
        this.txId = txId;
        this.sku = sku;
        this.quantity = quantity;
        this.status = "HELD";
        this.createdAt = createdAt;
    }

    String sku() {
        return sku;
    }

    int quantity() {
        return quantity;
    }

    void close(String status) {
        this.status = status;
    }
}
