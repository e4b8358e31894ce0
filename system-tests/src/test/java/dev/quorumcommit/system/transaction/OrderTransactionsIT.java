package dev.quorumcommit.system.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import dev.quorumcommit.system.support.Http;
import dev.quorumcommit.system.support.ServiceProcess;
import dev.quorumcommit.testing.SmallDisk;

/**
 * The transaction across order-service and inventory-service, on the five packaged jars as real
 * processes (DESIGN.md, "What the tests must show"): many concurrent orders for less stock than
 * asked, and a process killed or frozen at each step of the protocol. One cluster serves every test
 * (starting five JVMs is the slow part); each test uses a SKU of its own and begins by bringing back
 * whatever an earlier one left stopped, so they do not depend on their order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the order, for reading; each test stands alone
class OrderTransactionsIT {

    Cluster cluster;
    Shop shop;
    SmallDisk inventoryDisk;

    @RegisterExtension
    final TestExecutionExceptionHandler logsOnFailure = (ExtensionContext context, Throwable failure) -> {
        if (cluster != null) {
            System.err.println(cluster.logs());
        }
        throw failure;
    };

    @BeforeAll
    void startCluster() throws IOException {
        // Under target/, not a temporary folder: the five logs stay there to be read after a failure.
        Path dir = Files.createDirectories(Path.of("target", "clusters").toAbsolutePath())
                .resolve(getClass().getSimpleName() + "-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        // Inventory's database on a disk of its own (a tmpfs, which needs root, as CI has), for the test that fills it.
        inventoryDisk = SmallDisk.mount(dir.resolve("inventory-disk"), 256);
        // Kept before it starts: if it never gets ready, @AfterAll still stops the processes it did start.
        cluster = new Cluster(dir, inventoryDisk == null ? dir : dir.resolve("inventory-disk"));
        cluster.start();
        shop = new Shop(cluster);
    }

    @AfterAll
    void stopCluster() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (inventoryDisk != null) {
                inventoryDisk.close();
            }
        }
    }

    @BeforeEach
    void everythingUp() {
        cluster.awaitEverythingUp();
        shop.awaitInventoryBreakerClosed();
    }

    @Test
    @Order(1)
    void twoHundredConcurrentOrdersForFiftyUnitsConfirmExactlyFiftyAndRejectTheRest() throws Exception {
        shop.stock("rush", 50);

        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                answers.add(clients.submit(() -> {
                    go.await(); // all 200 are ready before the first is sent: they really overlap
                    return shop.place("rush", 1, null);
                }));
            }
            go.countDown();
        }
        List<Http.Answer> all = new ArrayList<>();
        for (Future<Http.Answer> answer : answers) {
            all.add(answer.get());
        }

        Map<Integer, Long> byStatus = all.stream().collect(Collectors.groupingBy(Http.Answer::status, Collectors.counting()));
        assertThat(byStatus).as("answers by HTTP status; the rejections said %s", all.stream()
                        .collect(Collectors.groupingBy(a -> a.json().path("reason").asString("-"), Collectors.counting()))).containsExactlyInAnyOrderEntriesOf(Map.of(201, 50L, 409, 150L));
        for (Http.Answer answer : all) {
            String expected = answer.status() == 201 ? "CONFIRMED" : "REJECTED";
            assertThat(answer.json().path("status").asString()).as(answer.body()).isEqualTo(expected);
        }
        List<Shop.Order> orders = shop.assertSettled("rush", 50);
        Map<String, Long> byOrderStatus = orders.stream()
                .collect(Collectors.groupingBy(Shop.Order::status, Collectors.counting()));
        assertThat(byOrderStatus).containsExactlyInAnyOrderEntriesOf(Map.of("CONFIRMED", 50L, "REJECTED", 150L));
        assertThat(shop.stockOf("rush")).isEqualTo(new Shop.Stock(0, 0));
    }

    @Test
    @Order(2)
    void anOrderServiceKilledAfterTheDecisionAndBeforePhaseTwoConfirmsTheOrderWhenItComesBack() {
        shop.stock("fault-a", 10);
        cluster.order.kill();
        // The one order this JVM handles is its first, and a cold JVM on a busy machine can miss the 2 s
        // prepare time limit, which would make the decision ABORT: this run allows 20 s, because what is
        // under test is the crash after a COMMIT, not the time limit.
        cluster.order.start(List.of("--twopc.chaos.halt-at=AFTER_DECISION",
                "--resilience4j.timelimiter.instances.prepare.timeout-duration=20s")).awaitReady(Cluster.START);

        Http.Answer lost = shop.place("fault-a", 2, "fault-a-1");
        assertThat(lost.status()).as("the coordinator died before answering: %s", lost.body()).isZero();
        assertThat(cluster.order.awaitExit(Duration.ofSeconds(30))).as("exit code of the halt").isEqualTo(137);

        // With the coordinator gone, inventory does not wait for it: past its prepared timeout it reads the
        // decision key, finds COMMIT and consumes the reservation by itself.
        await("inventory commits through the decision key alone").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> shop.stockOf("fault-a").equals(new Shop.Stock(8, 0)));

        cluster.order.start().awaitReady(Cluster.START);
        // The client's retry with its Idempotency-Key finds the order the lost answer was about.
        Http.Answer retry = shop.place("fault-a", 2, "fault-a-1");
        assertThat(retry.status()).as(retry.body()).isIn(201, 202);
        String orderId = retry.json().path("orderId").asString();
        await("the order confirmed by recovery").atMost(Shop.SETTLE).pollInterval(Duration.ofMillis(500))
                .until(() -> shop.order(orderId).status().equals("CONFIRMED"));
        assertThat(shop.assertSettled("fault-a", 10)).singleElement().extracting(Shop.Order::orderId).isEqualTo(orderId);
    }

    @Test
    @Order(3)
    void anInventoryKilledAfterItPreparedReleasesTheReservationWhenItComesBack() {
        shop.stock("fault-b", 10);
        cluster.inventory.kill();
        cluster.inventory.start(List.of("--twopc.chaos.halt-at=AFTER_PREPARE")).awaitReady(Cluster.START);
        // Set a moment before the kill -9, and still there: H2 used to keep the last 500 ms of commits in memory.
        assertThat(shop.stockOf("fault-b")).isEqualTo(new Shop.Stock(10, 0));

        Http.Answer answer = shop.place("fault-b", 3, "fault-b-1");
        // The coordinator never heard the YES: the participant's silence is a NO, so the decision is ABORT.
        assertThat(answer.status()).as(answer.body()).isEqualTo(409);
        assertThat(answer.json().path("status").asString()).isEqualTo("REJECTED");
        String txId = answer.json().path("txId").asString();
        assertThat(cluster.inventory.awaitExit(Duration.ofSeconds(30))).as("exit code of the halt").isEqualTo(137);
        assertThat(shop.decision(txId)).contains("ABORT");

        cluster.inventory.start().awaitReady(Cluster.START);
        assertThat(shop.assertSettled("fault-b", 10)).singleElement().extracting(Shop.Order::status).isEqualTo("REJECTED");
        assertThat(shop.stockOf("fault-b")).isEqualTo(new Shop.Stock(10, 0));
        // The YES the halt cut off was durable: inventory's barrier shows a prepare undone by the decision, not
        // an abort that found no prepare (which a prepare lost in the crash would have left).
        Http.Answer barrier = Http.get(cluster.inventory.url() + "/internal/2pc/transactions/" + txId);
        assertThat(barrier.status()).as(barrier.body()).isEqualTo(200);
        assertThat(barrier.json().path("state").asString()).isEqualTo("ABORTED");
        assertThat(barrier.json().path("reason").asString()).isEqualTo("aborted by decision");
    }

    @Test
    @Order(4)
    void theConsensusLeaderKilledWhileOrdersFlowLeavesEveryOrderDecidedAsItsStockSays() {
        shop.stock("fault-c", 60);
        try (OrderFlow flow = new OrderFlow(shop, "fault-c", 4)) {
            flow.awaitAnswers(8);
            ServiceProcess leader = cluster.awaitLeader();
            leader.kill();
            ServiceProcess next = cluster.awaitLeader();
            assertThat(next).isNotSameAs(leader);
            // Orders go on with two nodes of three: transactions keep being decided.
            flow.awaitAnswers(flow.answers() + 8);
        }
        cluster.awaitEverythingUp();
        shop.assertSettled("fault-c", 60);
    }

    /**
     * Not a crash but a cut: the leader keeps running, and answering the services, but hears from neither peer (the
     * chaos switch drops every Raft message between them). Decisions it is asked to write can no longer commit; the
     * services must find the leader the majority elects, and orders go on being confirmed meanwhile.
     */
    @Test
    @Order(5)
    void theConsensusLeaderCutOffFromItsPeersWhileOrdersFlowLeavesEveryOrderDecidedAsItsStockSays() {
        shop.stock("cut", 60);
        ServiceProcess leader = cluster.awaitLeader();
        List<String> peers = cluster.consensus.keySet().stream().filter(id -> cluster.consensus.get(id) != leader).toList();
        try (OrderFlow flow = new OrderFlow(shop, "cut", 4)) {
            flow.awaitAnswers(8);
            Http.Answer cut = Http.post(leader.url() + "/api/chaos/partition",
                    "{\"peers\": [\"" + peers.get(0) + "\", \"" + peers.get(1) + "\"]}");
            assertThat(cut.status()).as("the cut: %s", cut.body()).isEqualTo(200);
            try {
                await("a leader elected by " + peers).atMost(Duration.ofMinutes(1)).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(200)).until(() -> {
                            JsonNode view = Http.get(cluster.consensus.get(peers.get(0)).url() + "/api/cluster").json();
                            return peers.contains(view.path("leaderId").asString(""));
                        });
                // Confirmed, not only answered: with a majority up, a 202 would mean the services could not find it.
                flow.awaitConfirmed(flow.confirmed() + 8);
            } finally {
                Http.Answer healed = Http.post(leader.url() + "/api/chaos/heal", "{}");
                assertThat(healed.status()).as("the heal: %s", healed.body()).isEqualTo(200);
            }
        }
        cluster.awaitEverythingUp(); // the node that was cut off follows the new leader and is ready again
        shop.assertSettled("cut", 60);
    }

    /**
     * The contract's promise for an undecided order: with two consensus nodes of three gone, no decision can be written,
     * so the order is answered 202 PENDING (stock reserved, nothing decided); once the quorum is back it settles by
     * itself, whichever decision stands (order-service's recovery writing COMMIT from the votes, or inventory's
     * termination writing ABORT, first).
     */
    @Test
    @Order(6)
    void anOrderPlacedWithoutAConsensusQuorumIsPendingAndSettlesByItselfOnceTheQuorumIsBack() {
        shop.stock("quorum", 5);
        List<ServiceProcess> gone = cluster.consensus.values().stream().limit(2).toList();
        gone.forEach(ServiceProcess::kill);

        long started = System.nanoTime();
        Http.Answer placed = shop.place("quorum", 1, null);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(placed.status()).as("answered after %d ms: %s", tookMillis, placed.body()).isEqualTo(202);
        assertThat(placed.json().path("status").asString()).isEqualTo("PENDING");
        String orderId = placed.json().path("orderId").asString();
        assertThat(shop.order(orderId).status()).isEqualTo("PENDING");
        assertThat(shop.stockOf("quorum")).as("held by the prepared transaction").isEqualTo(new Shop.Stock(4, 1));

        gone.forEach(ServiceProcess::start);
        cluster.awaitEverythingUp();
        shop.assertSettled("quorum", 5);
        assertThat(shop.order(orderId).status()).isIn("CONFIRMED", "REJECTED");
    }

    /**
     * Every consensus node frozen (SIGSTOP): they keep their sockets and answer nothing, so each attempt to write the
     * decision would wait out its timeout, node after node (some 17 s in all); the coordinator gives up on the answer
     * after its decision wait (5 s) and the order is answered 202 PENDING with its stock reserved; once the nodes
     * thaw it settles by itself, like one placed without a quorum.
     */
    @Test
    @Order(7)
    void anOrderPlacedWhileEveryConsensusNodeIsFrozenIsPendingAndSettlesOnceTheyThaw() {
        shop.stock("frozen", 5);
        cluster.consensus.values().forEach(ServiceProcess::freeze);
        try {
            long started = System.nanoTime();
            Http.Answer placed = shop.place("frozen", 1, null);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(placed.status()).as("answered after %d ms: %s", tookMillis, placed.body()).isEqualTo(202);
            assertThat(tookMillis).as("the decision wait (5 s), not the client's retries (17 s), bounds the answer")
                    .isLessThan(11_000);
            assertThat(shop.stockOf("frozen")).as("held by the prepared transaction: nobody can decide")
                    .isEqualTo(new Shop.Stock(4, 1));
        } finally {
            cluster.consensus.values().forEach(ServiceProcess::thaw);
        }

        cluster.awaitEverythingUp();
        shop.assertSettled("frozen", 5);
    }

    @Test
    @Order(8)
    void anInventoryFrozenPastItsPreparedTimeoutResolvesEveryTransactionAfterItThaws() throws InterruptedException {
        shop.stock("fault-d", 60);
        try (OrderFlow flow = new OrderFlow(shop, "fault-d", 4)) {
            flow.awaitAnswers(8);
            cluster.inventory.freeze();
            try {
                // The fault itself: frozen longer than the participant's prepared timeout (5 s) while orders
                // keep arriving, so prepares it had answered, and prepares and aborts it has not even read,
                // all wait in it. This sleep is the length of the fault, not a wait for a condition.
                Thread.sleep(FROZEN.toMillis());
            } finally {
                cluster.inventory.thaw();
            }
            flow.awaitAnswers(flow.answers() + 4);
        }
        cluster.awaitEverythingUp();
        shop.assertSettled("fault-d", 60);
    }

    @Test
    @Order(9)
    void theDecisionOfAFinishedTransactionIsForgottenInConsensusAndTheOrderStillShowsIt() {
        shop.stock("forget", 5);
        Http.Answer placed = shop.place("forget", 1, null);
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        String orderId = placed.json().path("orderId").asString();
        String txId = placed.json().path("txId").asString();
        shop.assertSettled("forget", 5); // every participant acknowledged it: the transaction is finished
        assertThat(shop.decision(txId)).contains("COMMIT"); // this cluster keeps decisions an hour

        cluster.order.kill();
        cluster.order.start(List.of("--twopc.coordinator.decision-retention=1s",
                "--twopc.coordinator.recovery-interval=500ms")).awaitReady(Cluster.START);
        try {
            await("the decision deleted from consensus").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> shop.decision(txId).isEmpty());
            assertThat(shop.order(orderId).status()).isEqualTo("CONFIRMED");
            assertThat(shop.transaction(txId)).get().extracting(tx -> tx.path("decision").asString()).isEqualTo("COMMIT");
        } finally {
            cluster.order.kill();
            cluster.order.start().awaitReady(Cluster.START);
        }
    }

    @Test
    @Order(10)
    void anInventoryWhoseDiskFillsHaltsAsACrashWouldAndEveryOrderSettlesOnceItIsBackWithRoom() throws IOException {
        assumeTrue(inventoryDisk != null, "mounting a tmpfs for inventory's database needs root (CI runs as root)");
        shop.stock("fault-e", 200);
        Http.Answer before = shop.place("fault-e", 1, null);
        assertThat(before.status()).as(before.body()).isEqualTo(201);

        inventoryDisk.fill(64 * 1024);
        List<Http.Answer> answers = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cluster.inventory.alive() && System.nanoTime() < deadline) {
            answers.add(shop.place("fault-e", 1, null));
        }
        // A write H2 could not make leaves its file as of the last sync, and H2 closes the database for good:
        // the service halts rather than go on refusing everything while it says it is ready.
        assertThat(cluster.inventory.awaitExit(Duration.ofSeconds(30))).as("exit code of the halt (EX_IOERR)").isEqualTo(74);
        assertThat(cluster.inventory.logTail(400)).contains("No space left on device").contains("halting, as a crash would");
        for (Http.Answer answer : answers) {
            if (answer.status() == 409) {
                assertThat(answer.json().path("reason").asString()).as(answer.body()).startsWith("inventory");
            } else {
                assertThat(answer.status()).as(answer.body()).isIn(201, 202);
            }
        }

        inventoryDisk.makeRoom();
        cluster.awaitEverythingUp(); // starts inventory again, on the same file
        shop.assertSettled("fault-e", 200);
    }

    private static final Duration FROZEN = Duration.ofSeconds(8);
}
