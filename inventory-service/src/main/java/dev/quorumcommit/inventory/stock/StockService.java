package dev.quorumcommit.inventory.stock;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
class StockService {

    static final int MAX_UNITS = 1_000_000_000;

    private final StockRepository stocks;

    StockService(StockRepository stocks) {
        this.stocks = stocks;
    }

    /** Under the row lock, so a restock never overwrites a reservation made at the same moment. */
    @Transactional
    StockView restock(String sku, int available) {
        Stock stock = stocks.lock(sku).orElseGet(() -> stocks.save(new Stock(sku, available)));
        stock.restock(available);
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
