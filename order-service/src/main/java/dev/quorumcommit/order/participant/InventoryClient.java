package dev.quorumcommit.order.participant;

import java.util.Map;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import dev.quorumcommit.twopc.Vote;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.coordinator.Branch;
import dev.quorumcommit.twopc.coordinator.ParticipantChannel;
import dev.quorumcommit.twopc.http.PooledHttp;

/**
 * inventory-service's participant routes over HTTP, every call through the "inventory" circuit
 * breaker: once inventory is known to be down, orders are rejected at once with a clear reason
 * instead of each waiting out a timeout. Prepare is not retried (its time limit is the
 * coordinator's); commit and abort are retried by phase two, never here.
 */
@Component
public class InventoryClient implements ParticipantChannel {

    public static final String NAME = "inventory";

    private final RestClient http;
    private final CircuitBreaker breaker;

    InventoryClient(InventoryProperties properties, RestClient.Builder builder, CircuitBreakerRegistry breakers) {
        this.http = builder.clone().baseUrl(properties.url().toString())
                .requestFactory(PooledHttp.requestFactory(properties.connectTimeout(), properties.readTimeout())).build();
        this.breaker = breakers.circuitBreaker(NAME);
    }

    public Branch branch(String sku, int quantity) {
        return new Branch(NAME, txId -> prepare(txId, sku, quantity));
    }

    VoteReply prepare(String txId, String sku, int quantity) {
        try {
            VoteBody vote = guarded(() -> http.post().uri("/internal/2pc/transactions/{txId}/prepare", txId)
                    .contentType(MediaType.APPLICATION_JSON).body(Map.of("sku", sku, "quantity", quantity))
                    .retrieve().body(VoteBody.class));
            return vote != null && vote.vote() == Vote.YES ? VoteReply.yes()
                    : VoteReply.no(vote == null || vote.reason() == null ? "inventory said no" : vote.reason());
        } catch (CallNotPermittedException e) {
            return VoteReply.no("inventory unavailable: it failed repeatedly just now, so it is not asked for a while");
        } catch (ResourceAccessException e) {
            return VoteReply.no("inventory unavailable: " + e.getMostSpecificCause().getClass().getSimpleName());
        } catch (HttpClientErrorException e) {
            return VoteReply.no("inventory refused the request: " + e.getStatusCode());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void commit(String txId) {
        guarded(() -> http.post().uri("/internal/2pc/transactions/{txId}/commit", txId).retrieve().toBodilessEntity());
    }

    @Override
    public void abort(String txId) {
        guarded(() -> http.post().uri("/internal/2pc/transactions/{txId}/abort", txId).retrieve().toBodilessEntity());
    }

    private <T> T guarded(Supplier<T> call) {
        return breaker.executeSupplier(call);
    }

    record VoteBody(String txId, Vote vote, String reason) {
    }
}
