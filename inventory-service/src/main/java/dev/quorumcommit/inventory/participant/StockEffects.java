package dev.quorumcommit.inventory.participant;

import java.time.Clock;

import jakarta.persistence.EntityManager;
import org.springframework.stereotype.Component;

import dev.quorumcommit.inventory.stock.StockRepository;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.participant.BranchEffects;

/**
 * The stock side of the protocol: reserve on prepare, consume on commit, return on abort, each one conditional update
 * of the SKU's row (see {@link StockRepository#reserve}), which holds the row's lock until the local transaction ends.
 */
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
        if (stocks.reserve(sku, quantity) == 0) {
            return stocks.findById(sku)
                    .map(stock -> VoteReply.no("not enough stock for SKU '" + sku + "': " + stock.getAvailable()
                            + " available, " + quantity + " asked"))
                    .orElseGet(() -> VoteReply.no("unknown SKU '" + sku + "'"));
        }
        entities.persist(new Reservation(txId, sku, quantity, clock.instant()));
        return VoteReply.yes();
    }

    @Override
    public void confirm(String txId) {
        Reservation reservation = entities.find(Reservation.class, txId);
        changed(stocks.consume(reservation.sku(), reservation.quantity()), reservation);
        reservation.close("CONSUMED");
    }

    @Override
    public void release(String txId) {
        Reservation reservation = entities.find(Reservation.class, txId);
        changed(stocks.release(reservation.sku(), reservation.quantity()), reservation);
        reservation.close("RETURNED");
    }

    /** A reservation's SKU is a foreign key, so its row is there; if not, the database is not what it should be. */
    private static void changed(int rows, Reservation reservation) {
        if (rows != 1) {
            throw new IllegalStateException("no stock row for SKU '" + reservation.sku() + "' of a reservation");
        }
    }
}
