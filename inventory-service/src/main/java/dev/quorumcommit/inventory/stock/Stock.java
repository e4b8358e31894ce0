package dev.quorumcommit.inventory.stock;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One SKU's stock. Changed only under a row lock (see {@link StockRepository#lock}), so no update is lost. */
@Entity
@Table(name = "stock")
public class Stock {

    @Id
    private String sku;
    private int available;
    private int reserved;

    protected Stock() {
    }

    Stock(String sku, int available) {
        this.sku = sku;
        this.available = available;
    }

    public String getSku() {
        return sku;
    }

    public int getAvailable() {
        return available;
    }

    public int getReserved() {
        return reserved;
    }

    void restock(int available) {
        this.available = available;
    }

    /** @return false, changing nothing, when fewer than quantity units are available */
    public boolean reserve(int quantity) {
        if (quantity > available) {
            return false;
        }
        available -= quantity;
        reserved += quantity;
        return true;
    }

    /** The transaction committed: the reserved units leave the stock for good. */
    public void consume(int quantity) {
        reserved -= quantity;
    }

    /** The transaction aborted: the reserved units can be ordered again. */
    public void release(int quantity) {
        reserved -= quantity;
        available += quantity;
    }
}
