package dev.quorumcommit.inventory.stock;

import java.util.List;
import java.util.Optional;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

@Service
class StockService {

    static final int MAX_UNITS = 1_000_000_000;

    private final StockRepository stocks;
    private final TransactionTemplate transactions;

    StockService(StockRepository stocks, TransactionTemplate transactions) {
        this.stocks = stocks;
        this.transactions = transactions;
    }

    /**
     * Under the row lock, so a restock never overwrites a reservation made at the same moment. Two first restocks of a
     * new SKU race on its insert; the loser runs again and then finds the row to lock.
     */
    StockView restock(String sku, int available) {
        try {
            return transactions.execute(status -> restockUnderLock(sku, available));
        } catch (DataIntegrityViolationException | ConcurrencyFailureException e) {
            return transactions.execute(status -> restockUnderLock(sku, available));
        }
    }

    private StockView restockUnderLock(String sku, int available) {
        Stock stock = stocks.lock(sku).orElseGet(() -> stocks.save(new Stock(sku, available)));
        if ((long) available + stock.getReserved() > MAX_UNITS) {
            throw new TooManyUnitsException(sku, available, stock.getReserved());
        }
        stock.restock(available);
        stocks.flush(); // a lost race on the insert fails here, inside the transaction, rather than at its commit
        return StockView.of(stock);
    }

    @Transactional(readOnly = true)
    Optional<StockView> find(String sku) {
        return stocks.findById(sku).map(StockView::of);
    }

    @Transactional(readOnly = true)
    List<StockView> all() {
        return stocks.findAllByOrderBySku().stream().map(StockView::of).toList();
    }
}
