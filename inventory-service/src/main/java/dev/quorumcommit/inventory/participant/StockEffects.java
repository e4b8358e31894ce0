package dev.quorumcommit.inventory.participant;

import java.time.Clock;

import jakarta.persistence.EntityManager;
import org.springframework.stereotype.Component;

import dev.quorumcommit.inventory.stock.Stock;
import dev.quorumcommit.inventory.stock.StockRepository;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.participant.BranchEffects;

/** The stock side of the protocol: reserve on prepare, consume on commit, return on abort, each under the SKU's row lock. */
@Component
class StockEffects implements BranchEffects {

    private final StockRepository stocks;
    private final EntityManager entities;
    private final Clock clock;

    StockEffects(StockRepository stocks, EntityManager entities, Clock clock) {
        this.stocks = stocks;
        this.entities = entities;
        this.clock = clock;
    }

    VoteReply reserve(String txId, String sku, int quantity) {
        Stock stock = stocks.lock(sku).orElse(null);
        if (stock == null) {
            return VoteReply.no("unknown SKU '" + sku + "'");
        }
        if (!stock.reserve(quantity)) {
            return VoteReply.no("not enough stock for SKU '" + sku + "': " + stock.getAvailable() + " available, "
                    + quantity + " asked");
        }
        entities.persist(new Reservation(txId, sku, quantity, clock.instant()));
        return VoteReply.yes();
    }

    @Override
    public void confirm(String txId) {
        Reservation reservation = entities.find(Reservation.class, txId);
        stocks.lock(reservation.sku()).orElseThrow().consume(reservation.quantity());
        reservation.close("CONSUMED");
    }

    @Override
    public void release(String txId) {
        Reservation reservation = entities.find(Reservation.class, txId);
        stocks.lock(reservation.sku()).orElseThrow().release(reservation.quantity());
        reservation.close("RETURNED");
    }
}
