package dev.quorumcommit.consensus.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.sun.net.httpserver.HttpServer;

/**
 * This node follows n2, whose place is taken by a stub HTTP server that records what it receives
 * and answers with a canned response: a follower must pass the request on whole and relay the
 * answer as it is. n3 is a port where nothing listens.
 */
class ForwardingTest extends ApiTestSupport {

    record Received(String method, String uri, Map<String, List<String>> headers, String body) {
    }

    private static final HttpServer LEADER = startLeader();
    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static volatile int answerStatus = 201;
    private static volatile String answerBody = "{\"index\":77,\"term\":9}";
    /** How many requests the stub refuses first as a leader that just stepped down. */
    private static final java.util.concurrent.atomic.AtomicInteger steppedDownFor = new java.util.concurrent.atomic.AtomicInteger();

    private static HttpServer startLeader() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                RECEIVED.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()), new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                boolean steppedDown = steppedDownFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                int status = steppedDown ? 503 : answerStatus;
                byte[] body = (steppedDown ? "{\"status\":503,\"title\":\"No leader available\"}" : answerBody)
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
                exchange.getResponseHeaders().add("Retry-After", "7");
                if (steppedDown) {
                    exchange.getResponseHeaders().add(LeaderForwarder.NOT_LEADER, "n2");
                }
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void peers(DynamicPropertyRegistry registry) {
        registry.add("consensus.peers", () -> "n1=http://127.0.0.1:9001,n2=http://127.0.0.1:" + LEADER.getAddress().getPort()
                + ",n3=http://127.0.0.1:1");
    }

    @AfterAll
    static void stopLeader() {
        LEADER.stop(0);
    }

    @BeforeEach
    void followTheStub() {
        RECEIVED.clear();
        steppedDownFor.set(0);
        answerStatus = 201;
        answerBody = "{\"index\":77,\"term\":9}";
        node.follow("n2");
    }

    @Test
    void aWriteIsForwardedWholeToTheLeaderAndItsAnswerRelayedAsItIs() {
        long before = lastApplied();
        Answer answer = send("POST", "/api/log", "{ \"payload\" : {\"a\": 1.50} }", "Idempotency-Key", "fwd-1");
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body()).isEqualTo("{\"index\":77,\"term\":9}");
        Received received = RECEIVED.getFirst();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.uri()).isEqualTo("/api/log");
        assertThat(received.body()).isEqualTo("{\"payload\":{\"a\":1.50}}");
        assertThat(received.headers().get("Idempotency-key")).containsExactly("fwd-1");
        assertThat(received.headers().get("X-quorum-forwarded-by")).containsExactly("n1");
        assertThat(lastApplied()).isEqualTo(before);
    }

    @Test
    void theLeadersProblemsAreRelayedToo() {
        answerStatus = 409;
        answerBody = "{\"status\":409,\"title\":\"Condition failed\",\"key\":\"k\",\"value\":\"x\",\"revision\":3}";
        Answer answer = send("DELETE", "/api/kv/k?expectedRevision=2", null);
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).isEqualTo(answerBody);
        assertThat(answer.header("Retry-After")).contains("7");
        assertThat(RECEIVED.getFirst().uri()).isEqualTo("/api/kv/k?expectedRevision=2");
    }

    @Test
    void aLinearizableReadIsForwardedAndAStaleOneIsNot() {
        answerStatus = 200;
        answerBody = "{\"key\":\"fk\",\"value\":1,\"revision\":5}";
        assertThat(get("/api/kv/fk").body()).isEqualTo(answerBody);
        assertThat(RECEIVED).hasSize(1);
        assertThat(get("/api/kv/fk?consistency=stale").status()).isEqualTo(404);
        assertThat(RECEIVED).hasSize(1);
    }

    @Test
    void aLeaderThatSteppedDownBeforeTheForwardedWriteArrivedIsAskedAgainNotPassedOnAs503() {
        steppedDownFor.set(2);
        Answer answer = send("POST", "/api/log", "{\"payload\":1}", "Idempotency-Key", "moved-1");
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body()).isEqualTo("{\"index\":77,\"term\":9}");
        assertThat(RECEIVED).hasSize(3);
    }

    @Test
    void aForwardedRequestToANonLeaderIs503NotForwardedAgain() {
        Answer answer = send("PUT", "/api/kv/loop", "{\"value\":1}", LeaderForwarder.FORWARDED_BY, "n3");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).contains("1");
        assertThat(answer.header(LeaderForwarder.NOT_LEADER)).as("marks a refusal that did nothing").isPresent();
        assertThat(answer.json().get("detail").asString()).contains("from n3 as the leader");
        assertThat(RECEIVED).isEmpty();
    }

    @Test
    void withNoLeaderKnownOrReachableTheAnswerIs503WithRetryAfterAfterTheDeadline() {
        node.follow(null);
        long before = lastApplied();
        long started = System.nanoTime();
        Answer none = send("POST", "/api/log", "{\"payload\":1}");
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.header("Retry-After")).contains("1");
        assertThat(none.json().get("detail").asString()).contains("no leader is known");
        assertThat(System.nanoTime() - started).isGreaterThan(900_000_000L); // it waited for the 1 s deadline

        node.follow("n3"); // nothing listens there
        Answer unreachable = send("PUT", "/api/kv/x", "{\"value\":1}", "Idempotency-Key", "fwd-unreachable");
        assertThat(unreachable.status()).isEqualTo(503);
        assertThat(unreachable.json().get("detail").asString()).contains("n3");
        assertThat(lastApplied()).isEqualTo(before);
    }

    @Test
    void aLeaderWithoutQuorumAnswers503AfterTheDeadline() {
        node.lead();
        node.loseQuorum();
        Answer answer = send("POST", "/api/log", "{\"payload\":1}");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("detail").asString()).contains("Idempotency-Key");
        assertThat(get("/api/kv/anything").status()).isEqualTo(503);
    }
}
