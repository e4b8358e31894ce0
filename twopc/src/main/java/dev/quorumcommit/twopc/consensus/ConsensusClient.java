package dev.quorumcommit.twopc.consensus;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClient.RequestHeadersSpec.ConvertibleClientHttpResponse;
import tools.jackson.databind.JsonNode;

/**
 * The Java client of consensus-service's KV. Any node takes any request (CONTRACT.md), so a
 * failed attempt simply moves on to the next node; the node that last answered stays preferred.
 * Every write carries one Idempotency-Key for all of its attempts, so a retry after a lost
 * answer is recognised by the cluster and never writes twice.
 * <p>
 * Any node takes any request, but a follower forwards a write to the leader over one more HTTP hop,
 * which costs the follower about as much CPU as the leader's own work. So every few seconds the client
 * asks its preferred node who leads ({@code GET /api/cluster}) and prefers the leader if it is one of
 * its nodes: an optimisation only, a wrong or stale answer just costs the forwarding again.
 */
public class ConsensusClient {

    private static final Logger log = LoggerFactory.getLogger(ConsensusClient.class);

    private static final long LEADER_RECHECK_NANOS = Duration.ofSeconds(5).toNanos();

    private final List<URI> nodes;
    private final RestClient http;
    private final Retry retry;

    private final AtomicInteger preferred = new AtomicInteger();
    /** System.nanoTime() of the last look for the leader; 0: look at the next call. */
    private final AtomicLong leaderCheckedAt = new AtomicLong();

    /** http should time out by itself (see {@link ConsensusConfiguration}); retry decides how often to try. */
    public ConsensusClient(List<URI> nodes, RestClient http, Retry retry) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("consensus.urls names no node");
        }
        this.nodes = List.copyOf(nodes);
        this.http = http;
        this.retry = retry;
    }

    public Optional<KvEntry> get(String key) {
        return withRetries("GET " + key, node -> http.get()
                .uri(node.resolve("/api/kv/" + key + "?consistency=linearizable"))
                .accept(MediaType.APPLICATION_JSON)
                .exchange((request, response) -> switch (response.getStatusCode().value()) {
                    case 200 -> Optional.of(entry(key, response.bodyTo(JsonNode.class)));
                    case 404 -> Optional.<KvEntry>empty();
                    default -> throw failure(node, response);
                }));
    }

    /** Writes value unless the key exists. @return the entry that stands: ours, or the one already there. */
    public KvEntry putIfAbsent(String key, Object value) {
        return putAllIfAbsent(List.of(new SimpleImmutableEntry<>(key, value))).getFirst();
    }

    /**
     * Writes each value unless its key exists, all in one request and one log entry ({@code POST /api/kv}, this
     * project's extension of the contract): what {@link #putIfAbsent} does for one key, for many at once.
     *
     * @return for each key, in order, the entry that stands: ours, or the one already there
     */
    public List<KvEntry> putAllIfAbsent(List<Map.Entry<String, ?>> writes) {
        String idempotencyKey = UUID.randomUUID().toString();
        List<Map<String, Object>> puts = writes.stream().<Map<String, Object>>map(w -> {
            Map<String, Object> put = new LinkedHashMap<>();
            put.put("key", w.getKey());
            put.put("value", w.getValue());
            put.put("ifAbsent", true);
            return put;
        }).toList();
        return withRetries("POST " + writes.size() + " keys", node -> http.post()
                .uri(node.resolve("/api/kv"))
                .contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", idempotencyKey)
                .body(Map.of("puts", puts))
                .exchange((request, response) -> {
                    if (response.getStatusCode().value() != 200) {
                        throw failure(node, response);
                    }
                    JsonNode results = response.bodyTo(JsonNode.class).path("results");
                    if (results.size() != writes.size()) {
                        throw new ConsensusRequestException("asked to write " + writes.size() + " keys, answered for "
                                + results.size());
                    }
                    List<KvEntry> standing = new ArrayList<>(writes.size());
                    for (int i = 0; i < writes.size(); i++) {
                        String key = writes.get(i).getKey();
                        JsonNode result = results.get(i);
                        if (!key.equals(result.path("key").asString(""))) {
                            throw new ConsensusRequestException("answer " + i + " is for " + result.path("key")
                                    + ", not " + key);
                        }
                        standing.add(entry(key, result));
                    }
                    return standing;
                }));
    }

    /**
     * Deletes every key given that is there, in one request and one log entry ({@code POST /api/kv/deletes}, this
     * project's extension of the contract). Unconditional and repeatable: a key already gone changes nothing.
     *
     * @return how many of the keys were there and are now deleted
     */
    public int deleteAll(List<String> keys) {
        String idempotencyKey = UUID.randomUUID().toString();
        return withRetries("POST deletes of " + keys.size() + " keys", node -> http.post()
                .uri(node.resolve("/api/kv/deletes"))
                .contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", idempotencyKey)
                .body(Map.of("keys", keys))
                .exchange((request, response) -> {
                    if (response.getStatusCode().value() != 200) {
                        throw failure(node, response);
                    }
                    JsonNode results = response.bodyTo(JsonNode.class).path("results");
                    if (results.size() != keys.size()) {
                        throw new ConsensusRequestException("asked to delete " + keys.size() + " keys, answered for "
                                + results.size());
                    }
                    int deleted = 0;
                    for (JsonNode result : results) {
                        deleted += result.path("deleted").asBoolean(false) ? 1 : 0;
                    }
                    return deleted;
                }));
    }

    /**
     * Asks every node for its view of the cluster once, all at the same time and without retries: for health, not
     * for decisions. At the same time, because a node that does not answer (frozen, or an address that drops what is
     * sent to it) holds its question for the whole read timeout: asked one after the other, three such nodes kept
     * {@code /actuator/health} waiting three timeouts.
     */
    public Map<String, String> reachability() {
        Map<URI, Future<String>> asked = new LinkedHashMap<>();
        try (ExecutorService askers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (URI node : nodes) {
                asked.put(node, askers.submit(() -> roleOf(node)));
            }
        } // closing waits for every answer, each bounded by the read timeout
        Map<String, String> roles = new LinkedHashMap<>();
        asked.forEach((node, role) -> roles.put(node.toString(),
                role.state() == Future.State.SUCCESS ? role.resultNow() : "UNKNOWN")); // cancelled: interrupted
        return roles;
    }

    private String roleOf(URI node) {
        try {
            JsonNode cluster = http.get().uri(node.resolve("/api/cluster")).retrieve().body(JsonNode.class);
            return cluster == null ? "UNKNOWN" : cluster.path("role").asString("UNKNOWN");
        } catch (RuntimeException e) {
            return "UNREACHABLE";
        }
    }

    public List<URI> nodes() {
        return nodes;
    }

    private <T> T withRetries(String what, Function<URI, T> attempt) {
        preferLeader();
        try {
            return retry.executeSupplier(() -> {
                int turn = preferred.get();
                URI node = nodes.get(Math.floorMod(turn, nodes.size()));
                try {
                    return attempt.apply(node);
                } catch (ResourceAccessException e) {
                    preferred.compareAndSet(turn, turn + 1);
                    throw new RetryableConsensusException(node, "unreachable (" + e.getMessage() + ")", null, e);
                } catch (RestClientException e) {
                    // The answer broke off while its body was read (the read timeout closes the stream, or the node
                    // died mid-answer): Spring reports that as a plain RestClientException, not a
                    // ResourceAccessException. The write may or may not have happened; the retry's Idempotency-Key
                    // tells, so it is retried like an unreachable node instead of escaping as a 500.
                    if (!(e.getMostSpecificCause() instanceof IOException)) {
                        throw e;
                    }
                    preferred.compareAndSet(turn, turn + 1);
                    throw new RetryableConsensusException(node, "answer lost (" + e.getMostSpecificCause() + ")", null, e);
                } catch (RetryableConsensusException e) {
                    preferred.compareAndSet(turn, turn + 1);
                    leaderCheckedAt.set(0); // leadership may have moved: look again at the next call
                    log.debug("{} failed, trying the next node: {}", what, e.getMessage());
                    throw e;
                }
            });
        } catch (RetryableConsensusException e) {
            throw new ConsensusUnavailableException(what + ": no consensus node answered with a quorum ("
                    + e.getMessage() + ")", e);
        }
    }

    /** At most one caller per interval looks; the others go on with the node preferred so far. */
    private void preferLeader() {
        long last = leaderCheckedAt.get();
        long now = System.nanoTime();
        if (last != 0 && now - last < LEADER_RECHECK_NANOS || !leaderCheckedAt.compareAndSet(last, now)) {
            return;
        }
        int turn = preferred.get();
        URI asked = nodes.get(Math.floorMod(turn, nodes.size()));
        try {
            JsonNode cluster = http.get().uri(asked.resolve("/api/cluster")).retrieve().body(JsonNode.class);
            String leaderId = cluster == null ? "" : cluster.path("leaderId").asString("");
            for (JsonNode member : cluster == null ? List.<JsonNode>of() : cluster.path("members")) {
                if (!leaderId.isEmpty() && leaderId.equals(member.path("id").asString(""))) {
                    int index = indexOf(member.path("url").asString(""));
                    if (index >= 0) {
                        preferred.set(index);
                    }
                }
            }
        } catch (RuntimeException e) {
            // Not the node to send the call itself to first, then: a dead node's address may time out rather than
            // refuse (a stopped container's does), and the call would wait that out a second time.
            preferred.compareAndSet(turn, turn + 1);
            log.debug("could not ask {} who leads: {}", asked, e.toString());
        }
    }

    private int indexOf(String url) {
        String wanted = withoutTrailingSlash(url);
        for (int i = 0; i < nodes.size(); i++) {
            if (withoutTrailingSlash(nodes.get(i).toString()).equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static KvEntry entry(String key, JsonNode body) {
        if (body == null || !body.has("value")) {
            throw new ConsensusRequestException("answer for " + key + " carries no value: " + body);
        }
        return new KvEntry(key, body.get("value"), body.path("revision").asLong(0));
    }

    private static RuntimeException failure(URI node, ConvertibleClientHttpResponse response) throws java.io.IOException {
        int status = response.getStatusCode().value();
        if (status == 503 || status >= 500 || status == 429) {
            return new RetryableConsensusException(node, "HTTP " + status,
                    retryAfter(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)), null);
        }
        return new ConsensusRequestException(node + " refused the request: HTTP " + status);
    }

    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return null; // an HTTP-date: rare from our cluster; the planned back-off applies
        }
    }
}
