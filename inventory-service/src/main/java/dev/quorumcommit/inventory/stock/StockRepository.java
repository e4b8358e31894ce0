package dev.quorumcommit.inventory.stock;

import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

public interface StockRepository extends Repository<Stock, String> {

    /**
     * The row, locked until the local transaction ends (SELECT ... FOR UPDATE): concurrent prepares
     * of one SKU queue here instead of overwriting each other's counts.
     */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from Stock s where s.sku = :sku")
    Optional<Stock> lock(String sku);

    Optional<Stock> findById(String sku);

    List<Stock> findAllByOrderBySku();

    Stock save(Stock stock);

    void flush();
}
