package dev.quorumcommit.inventory.stock;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One SKU's stock. Restocked under a row lock (see {@link StockRepository#lock}) and changed by the protocol with
 * conditional updates (see {@link StockRepository#reserve}), so no update is lost.
 */
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
}
