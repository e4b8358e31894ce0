package dev.quorumcommit.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.quorumcommit.order.participant.OrderParticipant;
import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.InMemoryDecisionRegister;

/**
 * POST /api/orders through the real coordinator, the real order participant and H2, with
 * inventory's participant routes served over HTTP by {@link StubInventory} and the decision
 * register in memory (the consensus cluster is not part of this test).
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import(InMemoryRegister.class)
class OrderFlowTest {

    static final StubInventory inventory;

    static {
        try {
            inventory = new StubInventory();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void inventoryUrl(DynamicPropertyRegistry properties) {
        properties.add("inventory.url", inventory::url);
        // Longer than the prepare limit (3 s in this profile), as in production (3 s against 2 s): a request stuck
        // at inventory then outlasts the prepares queued behind it, which is what aPrepareQueuedBehind... looks at.
        properties.add("inventory.read-timeout", () -> "8s");
    }

    @AfterAll
    static void stop() {
        inventory.close();
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    InMemoryDecisionRegister register;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CircuitBreakerRegistry breakers;
    @Autowired
    OrderParticipant orderParticipant;

    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void reset() {
        inventory.down = false;
        inventory.prepareMillis = 0;
        inventory.votesNameTxId = null;
        register.setAvailable(true);
        breakers.circuitBreaker("inventory").reset();
    }

    private String sku(int stock) {
        String sku = "S-" + UUID.randomUUID().toString().substring(0, 8);
        inventory.available.put(sku, stock);
        return sku;
    }

    private JsonNode order(String body, int expectedStatus, String idempotencyKey) throws Exception {
        var request = post("/api/orders").contentType(MediaType.APPLICATION_JSON).content(body);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        MvcResult result = mvc.perform(request).andExpect(status().is(expectedStatus)).andReturn();
        return json.readTree(result.getResponse().getContentAsString());
    }

    @Test
    void enoughStockConfirmsAndTheTransactionShowsCommitAcknowledgedByBoth() throws Exception {
        String sku = sku(5);

        JsonNode order = order("{\"sku\":\"" + sku + "\",\"quantity\":2}", 201, null);

        assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");
        // The 201 comes once the decision stands and the order participant applied it; inventory's commit may
        // still be on its way, but the order is CONFIRMED for whoever asks right after the answer, and is what the
        // answer said, field for field (the answer is built without reading the order back).
        JsonNode stored = json.readTree(mvc.perform(get("/api/orders/" + order.get("orderId").asString()))
                .andReturn().getResponse().getContentAsString());
        assertThat(stored).isEqualTo(order);
        String txId = order.get("txId").asString();
        assertThat(register.read(txId)).contains(Decision.COMMIT);
        await("inventory's phase two, in the background").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(inventory.calls).contains("prepare " + txId, "commit " + txId));
        assertThat(inventory.available.get(sku)).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(inventory.reserved.get(sku)).isZero());
        await("the acknowledgement recorded").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                mvc.perform(get("/api/transactions/" + txId)).andExpect(jsonPath("$.participants[0].acknowledged").value(true)));
        mvc.perform(get("/api/transactions/" + txId)).andExpect(status().isOk())
                .andExpect(jsonPath("$.decision").value("COMMIT"))
                .andExpect(jsonPath("$.decisionKey").value("tx:" + txId + ":decision"))
                .andExpect(jsonPath("$.participants[0].name").value("inventory"))
                .andExpect(jsonPath("$.participants[0].vote").value("YES"))
                .andExpect(jsonPath("$.participants[0].acknowledged").value(true))
                .andExpect(jsonPath("$.participants[1].acknowledged").value(true))
                .andExpect(jsonPath("$.decidedAt").isNotEmpty());
        mvc.perform(get("/api/orders/" + order.get("orderId").asString()))
                .andExpect(jsonPath("$.status").value("CONFIRMED"));
        mvc.perform(get("/api/orders?status=CONFIRMED&sku=" + sku)).andExpect(jsonPath("$.length()").value(1));
    }

    @Test
    void notEnoughStockRejectsWithTheReasonAndReturnsNothingHeld() throws Exception {
        String sku = sku(1);

        JsonNode order = order("{\"sku\":\"" + sku + "\",\"quantity\":2}", 409, null);

        assertThat(order.get("status").asString()).isEqualTo("REJECTED");
        assertThat(order.get("reason").asString()).contains("not enough stock");
        mvc.perform(get("/api/orders/" + order.get("orderId").asString()))
                .andExpect(jsonPath("$.status").value("REJECTED"));
        await("inventory's phase two, in the background").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(inventory.calls).contains("abort " + order.get("txId").asString()));
        assertThat(inventory.available.get(sku)).isEqualTo(1);
        assertThat(register.read(order.get("txId").asString())).contains(Decision.ABORT);
    }

    @Test
    void anUnknownSkuIsRejectedSayingSo() throws Exception {
        JsonNode order = order("{\"sku\":\"NO-SUCH\",\"quantity\":1}", 409, null);
        assertThat(order.get("reason").asString()).contains("unknown SKU 'NO-SUCH'");
    }

    @Test
    void aYesThatNamesAnotherTransactionIsNotTakenAsAYesAndWhatItHeldIsReturned() throws Exception {
        String sku = sku(5);
        inventory.votesNameTxId = "tx-of-someone-else";

        JsonNode order = order("{\"sku\":\"" + sku + "\",\"quantity\":2}", 409, null);

        String txId = order.get("txId").asString();
        assertThat(order.get("status").asString()).isEqualTo("REJECTED");
        assertThat(order.get("reason").asString()).contains("answered for tx-of-someone-else where " + txId + " was asked");
        assertThat(register.read(txId)).contains(Decision.ABORT);
        // inventory did reserve for this transaction, though its answer named another: the abort returns the units.
        await("inventory's abort, in the background").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(inventory.calls).contains("prepare " + txId, "abort " + txId));
        assertThat(inventory.available.get(sku)).isEqualTo(5);
        assertThat(inventory.reserved.get(sku)).isZero();
    }

    @Test
    void anInventoryOutageIsAClearRejectionAndOpensTheBreaker() throws Exception {
        String sku = sku(100);
        inventory.down = true;

        for (int i = 0; i < 5; i++) {
            assertThat(order("{\"sku\":\"" + sku + "\",\"quantity\":1}", 409, null).get("reason").asString())
                    .contains("inventory");
        }
        long preparesBefore = preparesSent();
        JsonNode fast = order("{\"sku\":\"" + sku + "\",\"quantity\":1}", 409, null);

        assertThat(fast.get("reason").asString()).contains("inventory unavailable");
        assertThat(preparesSent()).as("an open breaker does not call inventory").isEqualTo(preparesBefore);
    }

    /**
     * Inventory stuck on one batch of prepares past the prepare limit (3 s here): the order whose prepare is under way
     * and the one whose prepare queued behind it are both voted down. The queued prepare is withdrawn, not sent once
     * the stuck batch ends: it would reserve units for a transaction already aborted.
     */
    @Test
    void aPrepareQueuedBehindAStuckOnePastTheLimitIsNeverSent() throws Exception {
        String sku = sku(10);
        inventory.prepareMillis = 6_000;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            int callsBefore = inventory.calls.size();
            Future<MvcResult> stuck = clients.submit(() -> mvc.perform(post("/api/orders")
                    .contentType(MediaType.APPLICATION_JSON).content("{\"sku\":\"" + sku + "\",\"quantity\":1}")).andReturn());
            await().until(() -> inventory.calls.stream().skip(callsBefore).anyMatch(c -> c.startsWith("prepare ")));
            Future<MvcResult> queued = clients.submit(() -> mvc.perform(post("/api/orders")
                    .contentType(MediaType.APPLICATION_JSON).content("{\"sku\":\"" + sku + "\",\"quantity\":2}")).andReturn());

            JsonNode first = json.readTree(stuck.get().getResponse().getContentAsString());
            JsonNode second = json.readTree(queued.get().getResponse().getContentAsString());
            assertThat(stuck.get().getResponse().getStatus()).as(first.toString()).isEqualTo(409);
            assertThat(queued.get().getResponse().getStatus()).as(second.toString()).isEqualTo(409);
            String queuedTx = second.get("txId").asString();
            // Its abort reaches inventory once the stuck batch ends (the stub answers one request at a time); a
            // prepare sent then would have gone out first.
            await().atMost(Duration.ofSeconds(15)).until(() -> inventory.calls.contains("abort " + queuedTx));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> !inventory.calls.contains("prepare " + queuedTx));
        } finally {
            inventory.prepareMillis = 0;
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(inventory.reserved.getOrDefault(sku, 0)).isZero();
            assertThat(inventory.available.get(sku)).isEqualTo(10);
        });
    }

    @Test
    void withoutAQuorumTheOrderIsPendingAndConfirmsItselfOnceTheQuorumIsBack() throws Exception {
        String sku = sku(5);
        register.setAvailable(false);

        JsonNode order = order("{\"sku\":\"" + sku + "\",\"quantity\":1}", 202, null);
        assertThat(order.get("status").asString()).isEqualTo("PENDING");
        register.setAvailable(true);

        String orderId = order.get("orderId").asString();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> mvc.perform(get("/api/orders/" + orderId))
                .andExpect(jsonPath("$.status").value("CONFIRMED")));
        assertThat(inventory.reserved.get(sku)).isZero();
        assertThat(inventory.available.get(sku)).isEqualTo(4);
    }

    /** A client that cannot read JSON is told so before the order is placed: a 406 after it would invite a second order. */
    @Test
    void anAnswerTheClientCannotAcceptIs406BeforeAnythingIsPlaced() throws Exception {
        String sku = sku(5);
        mvc.perform(post("/api/orders").contentType(MediaType.APPLICATION_JSON).accept(MediaType.TEXT_PLAIN)
                .content("{\"sku\":\"" + sku + "\",\"quantity\":1}")).andExpect(status().isNotAcceptable());
        assertThat(jdbc.queryForObject("select count(*) from orders where sku = ?", Integer.class, sku)).isZero();
        assertThat(inventory.available.get(sku)).isEqualTo(5);
        assertThat(inventory.reserved.getOrDefault(sku, 0)).isZero();
    }

    /**
     * Recovery rejects the orders abandoned before their prepare: PENDING, older than the prepared timeout, and
     * without a barrier entry. It reads the PENDING orders, then each one's entry; a transaction decided between the
     * two reads shows a PENDING order whose entry is COMMITTED, and must be left alone, not aborted (which the barrier
     * refuses) nor allowed to stop the pass before the orders after it.
     */
    @Test
    void recoveryRejectsOnlyTheOrdersAbandonedBeforeTheirPrepare() {
        String sku = sku(5);
        String decidedMeanwhile = UUID.randomUUID().toString();
        String abandoned = UUID.randomUUID().toString();
        for (String txId : List.of(decidedMeanwhile, abandoned)) {
            jdbc.update("insert into orders (id, sku, quantity, status, tx_id, created_at)"
                    + " values (?, ?, 1, 'PENDING', ?, dateadd('MINUTE', -1, current_timestamp))", txId, sku, txId);
        }
        jdbc.update("insert into twopc_barrier (tx_id, state, since) values (?, 'COMMITTED', current_timestamp)",
                decidedMeanwhile);
        try {
            orderParticipant.recover();

            assertThat(jdbc.queryForObject("select status from orders where tx_id = ?", String.class, abandoned))
                    .isEqualTo("REJECTED");
            assertThat(jdbc.queryForObject("select status from orders where tx_id = ?", String.class, decidedMeanwhile))
                    .as("its transaction's commit confirms it, not recovery").isEqualTo("PENDING");
        } finally {
            jdbc.update("delete from orders where sku = ?", sku);
            jdbc.update("delete from twopc_barrier where tx_id in (?, ?)", decidedMeanwhile, abandoned);
        }
    }

    @Test
    void aBurstOfOrdersWaitsForItsTurnInsteadOfTimingOutSoExactlyTheStockIsSold() throws Exception {
        String sku = sku(30);
        // Inventory answers one prepare at a time, 100 ms each: 60 transactions started at once would queue
        // 6 s for it, past the 3 s prepare limit, and their aborts would hand back units after the others
        // were refused. Admitted 8 at a time, each prepare waits at most 0.8 s.
        inventory.prepareMillis = 100;
        int requestsBefore = inventory.prepareRequests.size();
        List<Future<MvcResult>> results = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 60; i++) {
                results.add(clients.submit(() -> mvc.perform(post("/api/orders").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"sku\":\"" + sku + "\",\"quantity\":1}")).andReturn()));
            }
        }
        List<String> reasons = new ArrayList<>();
        int confirmed = 0;
        for (Future<MvcResult> result : results) {
            JsonNode order = json.readTree(result.get().getResponse().getContentAsString());
            if (result.get().getResponse().getStatus() == 201) {
                confirmed++;
            } else {
                reasons.add(order.path("reason").asString());
            }
        }

        assertThat(confirmed).as("confirmed; the others said %s", reasons).isEqualTo(30);
        assertThat(reasons).hasSize(30).allMatch(reason -> reason.contains("not enough stock"));
        assertThat(inventory.available.get(sku)).isZero();
        // The prepares of the orders in flight together shared HTTP requests: 60 prepares in far fewer.
        List<Integer> requests = inventory.prepareRequests.subList(requestsBefore, inventory.prepareRequests.size());
        assertThat(requests.stream().mapToInt(Integer::intValue).sum()).isEqualTo(60);
        assertThat(requests).as("prepares per request").hasSizeLessThan(30);
    }

    @Test
    void theSameIdempotencyKeyGivesTheSameOrderAndPlacesNothingNew() throws Exception {
        String sku = sku(5);
        String key = "key-" + UUID.randomUUID();

        JsonNode first = order("{\"sku\":\"" + sku + "\",\"quantity\":2}", 201, key);
        JsonNode again = order("{\"sku\":\"" + sku + "\",\"quantity\":2}", 201, key);

        assertThat(again.get("orderId")).isEqualTo(first.get("orderId"));
        assertThat(inventory.calls.stream().filter(c -> c.startsWith("prepare")).filter(
                c -> c.endsWith(first.get("txId").asString())).count()).isEqualTo(1);
        assertThat(inventory.available.get(sku)).isEqualTo(3);
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void theSameIdempotencyKeyForAnotherOrderGivesTheFirstOrderPlacesNothingAndIsLogged(CapturedOutput log)
            throws Exception {
        String sku = sku(10);
        String key = "key-" + UUID.randomUUID();
        JsonNode first = order("{\"sku\":\"" + sku + "\",\"quantity\":2,\"customerId\":\"alice\"}", 201, key);

        JsonNode reused = order("{\"sku\":\"" + sku + "\",\"quantity\":5}", 201, key);

        assertThat(reused.path("orderId")).as("the key names the order (CONTRACT.md)").isEqualTo(first.path("orderId"));
        assertThat(reused.path("quantity").asInt()).isEqualTo(2);
        assertThat(jdbc.queryForObject("select count(*) from orders where idempotency_key = ?", Long.class, key)).isEqualTo(1);
        assertThat(inventory.available.get(sku)).isEqualTo(8);
        assertThat(log.getOut()).contains("Idempotency-Key '" + key + "' already placed order " + first.path("orderId").asString()
                + " (2 of '" + sku + "' for customer 'alice'); a request with it asks for 5 of '" + sku + "': answered with"
                + " the first order, nothing placed.");
    }

    @Test
    void concurrentRetriesWithOneIdempotencyKeyPlaceOneOrder() throws Exception {
        // The order row is written in the coordinator's first local commit: the retry that loses the race on the
        // key must roll back its transaction record with it, before any prepare, and answer with the winner.
        String sku = sku(10);
        String key = "key-" + UUID.randomUUID();
        inventory.prepareMillis = 50; // so that the retries overlap
        List<Future<MvcResult>> results = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                results.add(clients.submit(() -> mvc.perform(post("/api/orders").contentType(MediaType.APPLICATION_JSON)
                        .header("Idempotency-Key", key).content("{\"sku\":\"" + sku + "\",\"quantity\":1}")).andReturn()));
            }
        }
        List<String> orderIds = new ArrayList<>();
        for (Future<MvcResult> result : results) {
            assertThat(result.get().getResponse().getStatus()).as(result.get().getResponse().getContentAsString())
                    .isIn(201, 202);
            orderIds.add(json.readTree(result.get().getResponse().getContentAsString()).get("orderId").asString());
        }
        assertThat(orderIds).as("one order for every retry").containsOnly(orderIds.get(0));
        assertThat(jdbc.queryForObject("select count(*) from orders where idempotency_key = ?", Long.class, key))
                .isEqualTo(1);
        String txId = json.readTree(results.get(0).get().getResponse().getContentAsString()).get("txId").asString();
        assertThat(inventory.calls.stream().filter(c -> c.startsWith("prepare")).filter(c -> c.endsWith(txId))).hasSize(1);
        assertThat(inventory.available.get(sku)).isEqualTo(9);
    }

    @Test
    void concurrentRequestsWithOneIdempotencyKeyForTwoOrdersPlaceOneAndAnswerEveryOneWithIt() throws Exception {
        // The loser of the race on the key finds the winner's order only after its own insert failed: whatever it
        // asked, that order is its answer, and its transaction record rolled back with the insert.
        String sku = sku(10);
        String key = "key-" + UUID.randomUUID();
        inventory.prepareMillis = 50;
        long recordsBefore = jdbc.queryForObject("select count(*) from tx_record", Long.class);
        long preparesBefore = preparesSent();
        List<Future<MvcResult>> results = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                int quantity = 1 + i % 2;
                results.add(clients.submit(() -> mvc.perform(post("/api/orders").contentType(MediaType.APPLICATION_JSON)
                        .header("Idempotency-Key", key).content("{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}"))
                        .andReturn()));
            }
        }
        Map<String, Object> placed = jdbc.queryForMap("select id, quantity from orders where idempotency_key = ?", key);
        for (Future<MvcResult> result : results) {
            MockHttpServletResponse answer = result.get().getResponse();
            assertThat(answer.getStatus()).as(answer.getContentAsString()).isIn(201, 202);
            assertThat(json.readTree(answer.getContentAsString()).path("orderId").asString()).isEqualTo(placed.get("id"));
        }
        assertThat(jdbc.queryForObject("select count(*) from tx_record", Long.class) - recordsBefore)
                .as("the losers' transaction records rolled back with their inserts").isEqualTo(1);
        assertThat(preparesSent() - preparesBefore)
                .as("nobody asked to prepare for the losers").isEqualTo(1);
        assertThat(inventory.available.get(sku)).isEqualTo(10 - ((Number) placed.get("quantity")).intValue());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '#', value = {
            "{\"sku\":\"A\",\"quantity\":0}         | 'quantity' must be greater than or equal to 1 (was '0')",
            "{\"sku\":\"A\",\"quantity\":-1}        | 'quantity' must be greater than or equal to 1 (was '-1')",
            "{\"sku\":\"A\",\"quantity\":999999999} | 'quantity' must be less than or equal to 1000000 (was '999999999')",
            "{\"sku\":\"A\",\"quantity\":\"2\"}     | 'quantity' must be a whole number",
            "{\"sku\":\"A\",\"quantity\":1.5}       | 'quantity' must be a whole number (was '1.5')",
            "{\"sku\":\"A\",\"quantity\":99999999999} | 'quantity': Numeric value (99999999999) out of range of `int`",
            "{\"quantity\":1}                       | 'sku' must not be null",
            "{\"sku\":\"a b\",\"quantity\":1}       | 'sku' must be 1 to 64 letters, digits, '.', '_' or '-' (was 'a b')",
            "{\"sku\":\"A\",\"quantity\":1,\"customerId\":\"%s\"} | 'customerId' size must be between 0 and 100 (was 'cccccccccc",
            "{\"sku\":\"A\"                         | Unexpected end-of-input",
            "[]                                     | the body must be a JSON object",
            "null                                   | there is none",
    })
    void badInputIsA400ProblemThatNamesTheFieldAndRecordsNothing(String body, String named) throws Exception {
        long orders = jdbc.queryForObject("select count(*) from orders", Long.class);
        long transactions = jdbc.queryForObject("select count(*) from tx_record", Long.class);
        long prepares = preparesSent();

        mvc.perform(post("/api/orders").contentType(MediaType.APPLICATION_JSON).content(body.formatted("c".repeat(120))))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(containsString(named)))
                // Said in the request's words: not the Java types behind it, and a long value cut short.
                .andExpect(jsonPath("$.detail").value(not(containsString("PlaceOrderRequest"))))
                .andExpect(jsonPath("$.detail").value(not(containsString("dev.quorumcommit"))))
                .andExpect(jsonPath("$.detail").value(not(containsString("c".repeat(81)))));

        assertThat(jdbc.queryForObject("select count(*) from orders", Long.class)).isEqualTo(orders);
        assertThat(jdbc.queryForObject("select count(*) from tx_record", Long.class)).isEqualTo(transactions);
        assertThat(preparesSent()).isEqualTo(prepares);
    }

    /** Written as they are read (GET /api/orders streams them), and still a plain JSON array of the contract's orders. */
    @Test
    void theOrdersAreListedOldestFirstEachWhole() throws Exception {
        String sku = sku(0);
        List<String> ids = new ArrayList<>();
        String[][] rows = {{"REJECTED", "not enough stock"}, {"CONFIRMED", null}, {"PENDING", null}};
        for (int i = 0; i < rows.length; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            jdbc.update("insert into orders (id, sku, quantity, status, reason, tx_id, created_at) values (?, ?, ?, ?, ?, ?,"
                    + " dateadd('SECOND', ?, timestamp with time zone '2026-01-01 00:00:00+00'))",
                    id, sku, i + 1, rows[i][0], rows[i][1], "tx-" + id, 10 - i * 3 /* inserted newest last, not first */);
        }
        Collections.reverse(ids); // created 10 s, 7 s and 4 s after midnight: the last inserted is the oldest

        MvcResult all = mvc.perform(get("/api/orders?sku=" + sku)).andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON)).andReturn();
        JsonNode listed = json.readTree(all.getResponse().getContentAsString());
        assertThat(listed.valueStream().map(o -> o.path("orderId").asString()).toList()).isEqualTo(ids);
        JsonNode oldest = listed.get(0);
        assertThat(oldest.path("sku").asString()).isEqualTo(sku);
        assertThat(oldest.path("quantity").asInt()).isEqualTo(3);
        assertThat(oldest.path("status").asString()).isEqualTo("PENDING");
        assertThat(oldest.path("txId").asString()).isEqualTo("tx-" + ids.get(0));
        assertThat(listed.get(2).path("reason").asString()).isEqualTo("not enough stock");

        mvc.perform(get("/api/orders?status=CONFIRMED&sku=" + sku)).andExpect(jsonPath("$.length()").value(1))
                .andExpect(jsonPath("$[0].orderId").value(ids.get(1)));
        mvc.perform(get("/api/orders?sku=none-" + sku)).andExpect(status().isOk()).andExpect(content().json("[]"));
        mvc.perform(get("/api/orders").accept(MediaType.TEXT_PLAIN)).andExpect(status().isNotAcceptable());
    }

    /**
     * A listing that fails part-way must not pass for a whole one. The failure is a row the view cannot be made of (a
     * status no version of this service writes), sorted after enough good ones that the answer is under way when it
     * is read: the answer is then either a problem, if nothing had left yet, or an array that never closes.
     */
    @ParameterizedTest(name = "after {0} good orders")
    @CsvSource({"2", "300"})
    void aListingThatFailsPartWayIsNeverAWholeArray(int good) throws Exception {
        String sku = sku(0);
        String bad = UUID.randomUUID().toString();
        try {
            for (int i = 0; i <= good; i++) {
                String id = i < good ? UUID.randomUUID().toString() : bad;
                jdbc.update("insert into orders (id, sku, quantity, status, tx_id, created_at) values (?, ?, 1, ?, ?,"
                        + " dateadd('SECOND', ?, timestamp with time zone '2026-01-01 00:00:00+00'))",
                        id, sku, i < good ? "CONFIRMED" : "SHIPPED", "tx-" + id, i);
            }

            MockHttpServletResponse listing = mvc.perform(get("/api/orders?sku=" + sku)).andReturn().getResponse();

            String body = listing.getContentAsString();
            if (good > 100) { // 45 KB of orders fill the buffers, so the answer is under way: the case this is about
                assertThat(listing.getStatus()).as("committed before the bad row: %s", body).isEqualTo(200);
            }
            if (listing.getStatus() == 200) {
                assertThat(body).as("the orders before the bad one, and no end").startsWith("[{").doesNotEndWith("]");
                assertThatThrownBy(() -> json.readTree(body)).as("not JSON a client could take for the list")
                        .isInstanceOf(tools.jackson.core.JacksonException.class);
            } else {
                assertThat(listing.getStatus()).isEqualTo(500);
                assertThat(json.readTree(body).path("status").asInt()).isEqualTo(500);
            }
        } finally {
            jdbc.update("delete from orders where sku = ?", sku);
        }
    }

    /** A listing holds a connection for as long as its client reads: past two at once, the next is told to retry. */
    @Test
    void aThirdListingAtOnceIs503WithRetryAfterAndTheNextOneAfterIsServed(@Autowired BulkheadRegistry bulkheads)
            throws Exception {
        Bulkhead listings = bulkheads.bulkhead("listings");
        assertThat(listings.tryAcquirePermission()).isTrue(); // two listings still being read
        assertThat(listings.tryAcquirePermission()).isTrue();
        try {
            mvc.perform(get("/api/orders")).andExpect(status().isServiceUnavailable())
                    .andExpect(header().string("Retry-After", "1"))
                    .andExpect(jsonPath("$.detail").value(containsString("listings")));
        } finally {
            listings.onComplete();
            listings.onComplete();
        }
        mvc.perform(get("/api/orders?sku=none-at-all")).andExpect(status().isOk()).andExpect(content().json("[]"));
    }

    @Test
    void aBadQueryOrHeaderIsA400ProblemThatNamesIt() throws Exception {
        mvc.perform(get("/api/orders?status=SHIPPED"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("'status' must be one of PENDING, CONFIRMED, REJECTED (was 'SHIPPED')"));
        long orders = jdbc.queryForObject("select count(*) from orders", Long.class);
        mvc.perform(post("/api/orders").contentType(MediaType.APPLICATION_JSON).content("{\"sku\":\"A\",\"quantity\":1}")
                        .header("Idempotency-Key", "k".repeat(101)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(containsString("'Idempotency-Key' size must be between 1 and 100 (was 'kkkk")))
                .andExpect(jsonPath("$.detail").value(containsString("(101 characters)")));
        assertThat(jdbc.queryForObject("select count(*) from orders", Long.class)).isEqualTo(orders);
    }

    @Test
    void unknownOrdersAndTransactionsAre404Problems() throws Exception {
        mvc.perform(get("/api/orders/nope")).andExpect(status().isNotFound()).andExpect(jsonPath("$.title").value("Unknown order"));
        mvc.perform(get("/api/transactions/nope")).andExpect(status().isNotFound());
        mvc.perform(get("/api/order/1")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.title").value("Unknown route"))
                .andExpect(jsonPath("$.detail").value("No route serves GET /api/order/1. The routes are listed at /swagger-ui.html."));
    }

    @Test
    void metricsAndSwaggerAreThere() throws Exception {
        order("{\"sku\":\"" + sku(1) + "\",\"quantity\":1}", 201, null);
        mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andExpect(content().string(containsString("/api/transactions/{txId}")));
    }

    /** Prepares order-service asked of inventory so far: recovery's background passes send decisions, never these. */
    private long preparesSent() {
        return inventory.calls.stream().filter(c -> c.startsWith("prepare")).count();
    }
}
