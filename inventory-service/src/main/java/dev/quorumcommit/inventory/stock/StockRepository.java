package dev.quorumcommit.inventory.stock;

import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
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

    /*
     * Phase one and two change a SKU's counts with one conditional update each, which locks the row as the update
     * runs: no read before the write, so nothing to lose between them, and nothing for Hibernate to load and
     * dirty-check for every transaction. SQL rather than JPQL, because Hibernate translates a JPQL update anew on
     * every run. The table's checks (available >= 0, reserved >= 0) back the conditions.
     */

    /** Moves units from available to reserved; 0 rows when the SKU is unknown or has fewer available. */
    @Modifying
    @Query(nativeQuery = true, value = "update stock set available = available - :quantity, reserved = reserved + :quantity"
            + " where sku = :sku and available >= :quantity")
    int reserve(String sku, int quantity);

    /** The transaction committed: its reserved units leave the stock for good. */
    @Modifying
    @Query(nativeQuery = true, value = "update stock set reserved = reserved - :quantity where sku = :sku")
    int consume(String sku, int quantity);

    /** The transaction aborted: its reserved units can be ordered again. */
    @Modifying
    @Query(nativeQuery = true, value = "update stock set reserved = reserved - :quantity, available = available + :quantity"
            + " where sku = :sku")
    int release(String sku, int quantity);

    Optional<Stock> findById(String sku);

    List<Stock> findAllByOrderBySku();

    Stock save(Stock stock);

    void flush();
}
