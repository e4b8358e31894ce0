package dev.quorumcommit.order;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * inventory-service's participant routes, as a small real HTTP server: stock per SKU, reserve on
 * prepare, consume on commit, return on abort. It can be switched off (503) to imitate an outage.
 */
final class StubInventory implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final Map<String, Integer> available = new ConcurrentHashMap<>();
    final Map<String, Integer> reserved = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, String[]> held = new ConcurrentHashMap<>();
    private final HttpServer server;
    volatile boolean down;
    /** How long each prepare holds the stub, which answers one call at a time as a SKU's row lock would. */
    volatile long prepareMillis;
    /** When set, every vote of a batch names this transaction instead of the one asked: answers mixed up on the way. */
    volatile String votesNameTxId;

    StubInventory() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/2pc/transactions/", this::handle);
        server.createContext("/internal/2pc/prepares", this::handleBatch);
        server.createContext("/internal/2pc/decisions", this::handleBatch);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Prepares per HTTP request received: how well order-service batches them. */
    final List<Integer> prepareRequests = new CopyOnWriteArrayList<>();

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        String txId = parts[4];
        String op = parts[5];
        calls.add(op + " " + txId);
        if (op.equals("prepare")) {
            prepareRequests.add(1);
        }
        if (down) {
            send(exchange, 503, "{\"status\":503,\"title\":\"down\"}");
            return;
        }
        switch (op) {
            case "prepare" -> {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                send(exchange, 200, prepare(txId, body.get("sku").asString(), body.get("quantity").asInt()));
            }
            case "commit", "abort" -> send(exchange, 200, decide(op, txId));
            default -> send(exchange, 404, "{}");
        }
    }

    /** POST /internal/2pc/prepares and /decisions: each item as its single route would answer it. */
    private synchronized void handleBatch(HttpExchange exchange) throws IOException {
        boolean prepares = exchange.getRequestURI().getPath().endsWith("/prepares");
        JsonNode items = JSON.readTree(exchange.getRequestBody()).path(prepares ? "prepares" : "decisions");
        if (prepares) {
            prepareRequests.add(items.size());
        }
        List<String> answers = new java.util.ArrayList<>();
        for (JsonNode item : items) {
            String txId = item.get("txId").asString();
            String op = prepares ? "prepare" : item.get("decision").asString().equals("COMMIT") ? "commit" : "abort";
            calls.add(op + " " + txId);
            if (!down) {
                answers.add(prepares ? mixedUp(prepare(txId, item.get("sku").asString(), item.get("quantity").asInt()), txId)
                        : decide(op, txId).replace("{", "{\"status\":200,"));
            }
        }
        if (down) {
            send(exchange, 503, "{\"status\":503,\"title\":\"down\"}");
            return;
        }
        send(exchange, 200, "{\"" + (prepares ? "votes" : "results") + "\":[" + String.join(",", answers) + "]}");
    }

    private String mixedUp(String vote, String txId) {
        String other = votesNameTxId;
        return other == null ? vote : vote.replace("\"txId\":\"" + txId + "\"", "\"txId\":\"" + other + "\"");
    }

    private String prepare(String txId, String sku, int quantity) {
        pause(prepareMillis);
        Integer stock = available.get(sku);
        if (stock == null || stock < quantity) {
            String reason = stock == null ? "unknown SKU '" + sku + "'" : "not enough stock for SKU '" + sku + "'";
            return "{\"txId\":\"" + txId + "\",\"vote\":\"NO\",\"reason\":\"" + reason + "\"}";
        }
        if (held.putIfAbsent(txId, new String[] {sku, String.valueOf(quantity)}) == null) {
            available.merge(sku, -quantity, Integer::sum);
            reserved.merge(sku, quantity, Integer::sum);
        }
        return "{\"txId\":\"" + txId + "\",\"vote\":\"YES\"}";
    }

    private String decide(String op, String txId) {
        String[] hold = held.remove(txId);
        if (hold != null) {
            reserved.merge(hold[0], -Integer.parseInt(hold[1]), Integer::sum);
            if (op.equals("abort")) {
                available.merge(hold[0], Integer.parseInt(hold[1]), Integer::sum);
            }
        }
        return "{\"txId\":\"" + txId + "\",\"state\":\"" + (op.equals("commit") ? "COMMITTED" : "ABORTED") + "\"}";
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the stub's own service time, not a wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
