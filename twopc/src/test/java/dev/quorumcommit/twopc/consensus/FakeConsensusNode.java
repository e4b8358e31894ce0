package dev.quorumcommit.twopc.consensus;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A consensus node that behaves like the KV routes the client uses (a linearizable read, a batch of
 * put-if-absent writes) over real HTTP: nodes made by one
 * {@link Cluster} share its state, as a Raft cluster's members would. A node can lose its quorum
 * (503 with Retry-After), or be stopped (connection refused).
 */
final class FakeConsensusNode implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the members share: the KV and every request seen, for assertions. */
    static final class Cluster {
        final Map<String, ObjectNode> kv = new ConcurrentHashMap<>();
        final Map<String, ObjectNode> byIdempotencyKey = new ConcurrentHashMap<>();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
        /** Every GET /api/cluster received, by the node's URL, counted as it arrives (before a frozen node holds it). */
        final List<URI> clusterViews = new CopyOnWriteArrayList<>();
        final AtomicLong index = new AtomicLong();
        /** The URL GET /api/cluster names as the leader's (id "L"); null: no leader known. */
        volatile URI leader;
    }

    private final Cluster cluster;
    private final HttpServer server;
    private volatile String retryAfterWhenNoQuorum = null;
    private final AtomicInteger refusalsLeft = new AtomicInteger();
    private volatile String retryAfterOfRefusals;
    private volatile boolean applyThenLoseAnswer;
    private volatile boolean applyThenCutAnswer;
    private volatile java.util.concurrent.CountDownLatch stalled;
    private volatile boolean frozen;

    FakeConsensusNode(Cluster cluster) throws IOException {
        this.cluster = cluster;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/kv/", this::read);
        server.createContext("/api/kv", this::batch);
        server.createContext("/api/kv/deletes", this::deletes);
        server.createContext("/api/cluster", exchange -> {
            cluster.clusterViews.add(uri());
            if (frozen) {
                awaitRelease();
            }
            ObjectNode answer = JSON.createObjectNode().put("role", "FOLLOWER");
            URI leader = cluster.leader;
            if (leader != null) {
                answer.put("leaderId", "L");
                answer.putArray("members").addObject().put("id", "L").put("url", leader.toString());
            }
            send(exchange, 200, answer);
        });
        // Each request on a thread of its own, as a real node serves them: one that is held does not hold the others.
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on every request answers 503 with this Retry-After (null: back to normal). */
    void loseQuorum(String retryAfter) {
        this.retryAfterWhenNoQuorum = retryAfter;
    }

    /** The next {@code requests} requests answer 503 with this Retry-After; then the quorum is back. */
    void loseQuorumFor(int requests, String retryAfter) {
        this.retryAfterOfRefusals = retryAfter;
        this.refusalsLeft.set(requests);
    }

    /** The next write is applied but its answer is a 503, as when the leader dies after committing. */
    void applyThenLoseAnswer() {
        this.applyThenLoseAnswer = true;
    }

    /** The next write is applied, then its 200 answer breaks off halfway through the body, as when the read times out. */
    void applyThenCutAnswer() {
        this.applyThenCutAnswer = true;
    }

    /** Batches received from now on wait, before they are applied, until {@link #release()}. */
    void stall() {
        this.stalled = new java.util.concurrent.CountDownLatch(1);
    }

    /** Like {@link #stall()}, and GET /api/cluster waits too: a frozen process, or an address that no longer answers. */
    void freeze() {
        stall();
        frozen = true;
    }

    void release() {
        frozen = false;
        stalled.countDown();
    }

    private void awaitRelease() {
        java.util.concurrent.CountDownLatch stall = stalled;
        if (stall != null) {
            try {
                stall.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** GET /api/kv/{key}. */
    private void read(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestURI().getPath().substring("/api/kv/".length());
        cluster.requests.add(exchange.getRequestMethod() + " " + key + " @" + uri());
        if (refusedForNoQuorum(exchange)) {
            return;
        }
        if (key.isEmpty() || key.contains("/")) {
            send(exchange, 400, problem(400, "bad key"));
            return;
        }
        ObjectNode entry = cluster.kv.get(key);
        send(exchange, entry == null ? 404 : 200, entry == null ? problem(404, "absent") : entry);
    }

    /** POST /api/kv: put-if-absent only (all the client writes), the whole batch at one revision. */
    private void batch(HttpExchange exchange) throws IOException {
        cluster.requests.add(exchange.getRequestMethod() + " batch @" + uri());
        if (refusedForNoQuorum(exchange)) {
            return;
        }
        String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        cluster.idempotencyKeys.add(idempotencyKey);
        JsonNode puts = JSON.readTree(exchange.getRequestBody()).path("puts");
        awaitRelease();
        ObjectNode answer = appliedOnce(idempotencyKey, revision -> {
            ObjectNode applied = JSON.createObjectNode();
            var results = applied.putArray("results");
            for (JsonNode put : puts) {
                String key = put.path("key").asString();
                ObjectNode current = cluster.kv.get(key);
                if (current != null && put.path("ifAbsent").asBoolean(false)) {
                    results.addObject().put("key", key).put("written", false)
                            .setAll(java.util.Map.of("value", current.get("value"), "revision", current.get("revision")));
                } else {
                    ObjectNode written = JSON.createObjectNode().put("key", key);
                    written.set("value", put.get("value"));
                    written.put("revision", revision);
                    cluster.kv.put(key, written);
                    results.addObject().put("key", key).put("written", true)
                            .setAll(java.util.Map.of("value", put.get("value"), "revision", written.get("revision")));
                }
            }
            return applied;
        });
        if (answerLost(exchange)) {
            return;
        }
        if (applyThenCutAnswer) {
            applyThenCutAnswer = false;
            byte[] bytes = JSON.writeValueAsString(answer).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
            exchange.getResponseBody().flush();
            exchange.getHttpContext().getServer().stop(0); // the connection drops with the rest of the body unsent
            return;
        }
        send(exchange, 200, answer);
    }

    /** POST /api/kv/deletes: every key given that is there goes, at one revision; a retry's key answers the first. */
    private void deletes(HttpExchange exchange) throws IOException {
        cluster.requests.add(exchange.getRequestMethod() + " deletes @" + uri());
        if (refusedForNoQuorum(exchange)) {
            return;
        }
        String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        cluster.idempotencyKeys.add(idempotencyKey);
        JsonNode keys = JSON.readTree(exchange.getRequestBody()).path("keys");
        ObjectNode answer = appliedOnce(idempotencyKey, revision -> {
            ObjectNode applied = JSON.createObjectNode();
            var results = applied.putArray("results");
            for (JsonNode key : keys) {
                results.addObject().put("key", key.asString()).put("deleted", cluster.kv.remove(key.asString()) != null);
            }
            return applied;
        });
        if (answerLost(exchange)) {
            return;
        }
        send(exchange, 200, answer);
    }

    /** As a node without a quorum answers, when the test asked for it. */
    private boolean refusedForNoQuorum(HttpExchange exchange) throws IOException {
        String retryAfter = retryAfterWhenNoQuorum;
        if (retryAfter == null && refusalsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            retryAfter = retryAfterOfRefusals;
        }
        if (retryAfter == null) {
            return false;
        }
        exchange.getResponseHeaders().add("Retry-After", retryAfter);
        send(exchange, 503, problem(503, "no quorum"));
        return true;
    }

    /** One write at the next revision, or the first answer of an idempotency key already seen (not applied again). */
    private ObjectNode appliedOnce(String idempotencyKey, java.util.function.LongFunction<ObjectNode> apply) {
        synchronized (cluster) {
            ObjectNode first = idempotencyKey == null ? null : cluster.byIdempotencyKey.get(idempotencyKey);
            if (first != null) {
                return first;
            }
            ObjectNode answer = apply.apply(cluster.index.incrementAndGet());
            if (idempotencyKey != null) {
                cluster.byIdempotencyKey.put(idempotencyKey, answer);
            }
            return answer;
        }
    }

    /** Applied, then the leader was lost before it answered, when the test asked for it once. */
    private boolean answerLost(HttpExchange exchange) throws IOException {
        if (!applyThenLoseAnswer) {
            return false;
        }
        applyThenLoseAnswer = false;
        send(exchange, 503, problem(503, "leader lost before answering"));
        return true;
    }

    private static ObjectNode problem(int status, String detail) {
        return JSON.createObjectNode().put("status", status).put("title", "problem").put("detail", detail);
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
