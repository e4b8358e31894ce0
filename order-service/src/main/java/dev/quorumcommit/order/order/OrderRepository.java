package dev.quorumcommit.order.order;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.persistence.QueryHint;
import org.hibernate.jpa.HibernateHints;

import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.QueryHints;
import org.springframework.data.repository.Repository;

interface OrderRepository extends Repository<Order, String> {

    Order save(Order order);

    Optional<Order> findById(String id);

    Optional<Order> findByTxId(String txId);

    Optional<Order> findByIdempotencyKey(String key);

    /**
     * Views, not entities, read as they are consumed: GET /api/orders writes each out before it reads the next, so a
     * million orders (a load test's) take no more heap than a few. As a list of entities they took more than the
     * service's 384 MB, and the answer was an OutOfMemoryError. The caller closes the stream, in a transaction.
     */
    @Query("select new dev.quorumcommit.order.order.OrderView(o.id, o.sku, o.quantity, o.status, o.txId, o.reason) "
            + "from Order o where (:status is null or o.status = :status) and (:sku is null or o.sku = :sku) "
            + "order by o.createdAt")
    @QueryHints(@QueryHint(name = HibernateHints.HINT_FETCH_SIZE, value = "256"))
    Stream<OrderView> search(OrderStatus status, String sku);

    @Query("select o.txId from Order o where o.status = dev.quorumcommit.order.order.OrderStatus.PENDING "
            + "and o.createdAt < :cutoff")
    List<String> pendingSince(Instant cutoff);

    /**
     * One statement instead of a read and a dirty-checked write, since this runs for every order placed; and SQL
     * rather than JPQL, since Hibernate translates a JPQL update anew each time it runs (a quarter of its cost).
     */
    @Modifying
    @Query(nativeQuery = true, value = "update orders set status = 'CONFIRMED' where tx_id = :txId and status = 'PENDING'")
    int confirmPending(String txId);

    boolean existsByTxId(String txId);

    long count();
}
