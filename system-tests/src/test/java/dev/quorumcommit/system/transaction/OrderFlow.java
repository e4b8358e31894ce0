package dev.quorumcommit.system.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.quorumcommit.system.support.Http;

/**
 * Orders of one unit placed without pause by a few clients while a test breaks something, as a shop's
 * traffic would go on. Every answer must be one the contract allows: 201, 409, 202 (PENDING, to resolve
 * by itself) or a 503 of the admission queue; so order-service itself must stay up while it flows.
 */
final class OrderFlow implements AutoCloseable {

    private final AtomicBoolean flowing = new AtomicBoolean(true);
    private final AtomicInteger answers = new AtomicInteger();
    private final Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    private final List<Thread> clients = new ArrayList<>();

    OrderFlow(Shop shop, String sku, int clientCount) {
        for (int c = 0; c < clientCount; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; flowing.get(); n++) {
                    Http.Answer answer = shop.place(sku, 1, sku + "-" + client + "-" + n);
                    byStatus.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
                    answers.incrementAndGet();
                }
            }));
        }
    }

    int answers() {
        return answers.get();
    }

    /** How many orders were answered 201 CONFIRMED so far. */
    int confirmed() {
        AtomicInteger confirmed = byStatus.get(201);
        return confirmed == null ? 0 : confirmed.get();
    }

    void awaitConfirmed(int count) {
        await(count + " orders confirmed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> confirmed() >= count);
    }

    void awaitAnswers(int count) {
        await(count + " orders answered").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> answers.get() >= count);
    }

    /** Stops the clients, waits for the orders in flight to be answered, and checks every answer was one the contract allows. */
    @Override
    public void close() {
        flowing.set(false);
        for (Thread client : clients) {
            try {
                client.join(Shop.ORDER_TIMEOUT.plusSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertThat(clients.stream().filter(Thread::isAlive)).as("clients still waiting for an answer").isEmpty();
        System.out.println("[order flow] answers by status: " + byStatus);
        assertThat(byStatus.keySet()).as("HTTP statuses of the orders placed meanwhile: %s", byStatus)
                .isSubsetOf(201, 409, 202, 503);
    }
}
