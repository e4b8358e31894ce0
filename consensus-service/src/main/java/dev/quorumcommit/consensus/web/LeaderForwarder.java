package dev.quorumcommit.consensus.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import dev.quorumcommit.consensus.node.ConsensusProperties;

/**
 * Sends a request this follower cannot serve to the leader, and hands back the leader's answer as
 * it is (status, body, content type, Retry-After). One JDK HttpClient for all forwards, so that
 * connections to the leader are kept and reused. The request is marked with
 * {@link #FORWARDED_BY}: a node that receives a forwarded request and is not the leader answers
 * 503 rather than forwarding again, so two nodes with different ideas of the leader cannot bounce
 * a request between them.
 */
@Component
public class LeaderForwarder {

    public static final String FORWARDED_BY = "X-Quorum-Forwarded-By";
    private static final List<String> RELAYED_HEADERS = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.RETRY_AFTER, HttpHeaders.LOCATION);

    private final RestClient client;
    private final String nodeId;

    LeaderForwarder(RestClient.Builder builder, ConsensusProperties properties) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(Math.min(1000, properties.requestTimeout().toMillis())))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
        factory.setReadTimeout(properties.requestTimeout());
        this.client = builder.clone().requestFactory(factory).build();
        this.nodeId = properties.nodeId();
    }

    /**
     * Marks a node's answer to a forwarded request that it refused because it is not the leader (any more): nothing
     * was done, so the forwarding node may look for the new leader and send the request again within its deadline.
     */
    public static final String NOT_LEADER = "X-Quorum-Not-Leader";

    /** The node a request was forwarded to is not the leader (any more); it did nothing with the request. */
    public static final class LeaderMovedException extends RuntimeException {
        LeaderMovedException(String node) {
            super(node + " is no longer the leader");
        }
    }

    /**
     * @param body the parsed request body to send again as JSON, or null
     * @throws LeaderMovedException when the node answers that it is not the leader
     * @throws org.springframework.web.client.ResourceAccessException when the leader cannot be reached
     */
    public ResponseEntity<byte[]> forward(URI leader, HttpServletRequest request, Object body) {
        String query = request.getQueryString();
        URI target = URI.create(leader.toString().replaceAll("/+$", "") + request.getRequestURI() + (query == null ? "" : "?" + query));
        RestClient.RequestBodySpec call = client.method(HttpMethod.valueOf(request.getMethod()))
                .uri(target)
                .header(FORWARDED_BY, nodeId)
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);
        String idempotencyKey = request.getHeader(Requests.IDEMPOTENCY_KEY);
        if (idempotencyKey != null) {
            call.header(Requests.IDEMPOTENCY_KEY, idempotencyKey);
        }
        if (body != null) {
            call.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        return call.exchange((req, response) -> {
            if (response.getHeaders().containsHeader(NOT_LEADER)) {
                throw new LeaderMovedException(response.getHeaders().getFirst(NOT_LEADER));
            }
            HttpHeaders relayed = new HttpHeaders();
            for (String name : RELAYED_HEADERS) {
                List<String> values = response.getHeaders().get(name);
                if (values != null) {
                    relayed.put(name, values);
                }
            }
            return new ResponseEntity<>(response.getBody().readAllBytes(), relayed, response.getStatusCode());
        }, true);
    }
}
