package dev.quorumcommit.system.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.awaitility.core.ConditionFactory;

import tools.jackson.databind.JsonNode;

import dev.quorumcommit.system.support.Http;

/**
 * What a client of the cluster does and sees, through the contract's routes only: stock a SKU, place
 * orders, read them back with their transaction's decision as consensus holds it; and the invariants
 * every test checks once the cluster is whole again.
 */
final class Shop {

    /** Longer than any answer the coordinator gives even while consensus elects a new leader. */
    static final Duration ORDER_TIMEOUT = Duration.ofSeconds(60);
    /** Participants resolve within their prepared timeout and recovery interval; restarts and an open breaker add to that. */
    static final Duration SETTLE = Duration.ofMinutes(2);

    private final Cluster cluster;

    Shop(Cluster cluster) {
        this.cluster = cluster;
    }

    record Order(String orderId, String sku, int quantity, String status, String txId, String reason) {

        static Order of(JsonNode json) {
            return new Order(json.path("orderId").asString(), json.path("sku").asString(), json.path("quantity").asInt(),
                    json.path("status").asString(), json.path("txId").asString(), json.path("reason").asString(null));
        }
    }

    record Stock(int available, int reserved) {
    }

    void stock(String sku, int available) {
        Http.Answer answer = Http.put(cluster.inventory.url() + "/api/inventory/" + sku, "{\"available\": " + available + "}");
        assertThat(answer.status()).as("restock %s: %s", sku, answer.body()).isEqualTo(200);
    }

    Stock stockOf(String sku) {
        Http.Answer answer = Http.get(cluster.inventory.url() + "/api/inventory/" + sku);
        assertThat(answer.status()).as("stock of %s: %s", sku, answer.body()).isEqualTo(200);
        return new Stock(answer.json().path("available").asInt(), answer.json().path("reserved").asInt());
    }

    /** POST /api/orders; status 0 when order-service did not answer (it died, or is frozen). */
    Http.Answer place(String sku, int quantity, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.order.url() + "/api/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\": \"" + sku + "\", \"quantity\": " + quantity + "}"));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return Http.send(request, ORDER_TIMEOUT);
    }

    Order order(String orderId) {
        Http.Answer answer = Http.get(cluster.order.url() + "/api/orders/" + orderId);
        assertThat(answer.status()).as("order %s: %s", orderId, answer.body()).isEqualTo(200);
        return Order.of(answer.json());
    }

    List<Order> orders(String sku) {
        Http.Answer answer = Http.get(cluster.order.url() + "/api/orders?sku=" + sku);
        assertThat(answer.status()).as("orders of %s: %s", sku, answer.body()).isEqualTo(200);
        List<Order> orders = new ArrayList<>();
        answer.json().forEach(json -> orders.add(Order.of(json)));
        return orders;
    }

    /** The coordinator's record of a transaction; empty if it never started one (a crash before its first prepare). */
    Optional<JsonNode> transaction(String txId) {
        Http.Answer answer = Http.get(cluster.order.url() + "/api/transactions/" + txId);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        assertThat(answer.status()).as("transaction %s: %s", txId, answer.body()).isEqualTo(200);
        return Optional.of(answer.json());
    }

    /** The decision as consensus holds it, under the key the coordinator names: empty when none was ever written. */
    Optional<String> decision(String txId) {
        Optional<JsonNode> transaction = transaction(txId);
        if (transaction.isEmpty()) {
            return Optional.empty();
        }
        String key = transaction.get().path("decisionKey").asString();
        Http.Answer answer = Http.get(cluster.anyConsensusNode().url() + "/api/kv/" + key + "?consistency=linearizable");
        if (answer.status() == 404) {
            return Optional.empty();
        }
        assertThat(answer.status()).as("decision key %s: %s", key, answer.body()).isEqualTo(200);
        return Optional.of(answer.json().path("value").asString());
    }

    /**
     * Waits until order-service's circuit breaker to inventory is closed again after a fault, so that the next
     * test's orders are not refused by it. A half-open breaker closes only on calls that succeed, so each
     * check that finds it not closed places an order for an unknown SKU: inventory answers it (a NO), which
     * is such a call, and no stock moves.
     */
    void awaitInventoryBreakerClosed() {
        await("order-service's circuit breaker to inventory closed").atMost(Duration.ofMinutes(1))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    Http.Answer closed = Http.get(cluster.order.url()
                            + "/actuator/metrics/resilience4j.circuitbreaker.state?tag=name:inventory&tag=state:closed");
                    assertThat(closed.status()).as("the breaker's state metric: %s", closed.body()).isEqualTo(200);
                    if (closed.json().path("measurements").path(0).path("value").asDouble() == 1.0) {
                        return true;
                    }
                    place("probe-unknown-sku", 1, null);
                    return false;
                });
    }

    /**
     * The invariants, once every process is back: no order stays PENDING (each resolves by itself, no
     * test pokes it), nothing stays reserved, every transaction's decision reached every participant,
     * nothing was sold twice or lost (available + confirmed quantity = what was stocked), and an order
     * is CONFIRMED exactly when consensus says COMMIT.
     */
    List<Order> assertSettled(String sku, int stocked) {
        settling("no order of " + sku + " PENDING").until(() -> orders(sku).stream().noneMatch(o -> o.status().equals("PENDING")));
        settling("nothing of " + sku + " reserved").until(() -> stockOf(sku).reserved() == 0);
        List<Order> orders = orders(sku);
        List<String> unacknowledged = new ArrayList<>(orders.stream().map(Order::txId).toList());
        settling("every participant of every order of " + sku + " acknowledged its decision").until(() -> {
            unacknowledged.removeIf(txId -> transaction(txId).map(tx -> tx.path("decision").isString()
                    && tx.path("participants").valueStream().allMatch(p -> p.path("acknowledged").asBoolean()))
                    .orElse(true));
            return unacknowledged.isEmpty();
        });
        int confirmed = orders.stream().filter(o -> o.status().equals("CONFIRMED")).mapToInt(Order::quantity).sum();
        Stock stock = stockOf(sku);
        assertThat(stock.reserved()).as("reserved units of %s", sku).isZero();
        assertThat(stock.available() + confirmed).as("available %d + confirmed %d of %s", stock.available(), confirmed, sku)
                .isEqualTo(stocked);
        for (Order order : orders) {
            Optional<String> decision = decision(order.txId());
            if (order.status().equals("CONFIRMED")) {
                assertThat(decision).as("decision of confirmed order %s", order.orderId()).contains("COMMIT");
            } else {
                assertThat(order.status()).as("order %s", order.orderId()).isEqualTo("REJECTED");
                assertThat(decision.orElse("ABORT")).as("decision of rejected order %s (%s)", order.orderId(), order.reason())
                        .isEqualTo("ABORT");
            }
        }
        return orders;
    }

    /**
     * A wait for the cluster to settle, checked at once: Awaitility's first check otherwise comes one poll
     * interval late even when the condition already holds, which over two hundred orders was 100 s of nothing.
     */
    private static ConditionFactory settling(String what) {
        return await(what).atMost(SETTLE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500));
    }
}
