package dev.quorumcommit.order.participant;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import dev.quorumcommit.twopc.Vote;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.batch.Batcher;
import dev.quorumcommit.twopc.coordinator.Branch;
import dev.quorumcommit.twopc.coordinator.ParticipantChannel;
import dev.quorumcommit.twopc.http.PooledHttp;

/**
 * inventory-service's participant routes over HTTP, every call through the "inventory" circuit
 * breaker: once inventory is known to be down, orders are rejected at once with a clear reason
 * instead of each waiting out a timeout. Prepare is not retried (its time limit is the
 * coordinator's); commit and abort are retried by phase two, never here.
 * <p>
 * The calls of all the orders in flight are {@link Batcher batched}: the prepares that wait together go
 * as one {@code POST /internal/2pc/prepares}, the decisions as one {@code POST /internal/2pc/decisions}.
 * Each order still sees its own call, with its own answer, breaker and time limit; it only shares the
 * HTTP request, which is most of what a call costs both services.
 */
@Component
public class InventoryClient implements ParticipantChannel {

    public static final String NAME = "inventory";

    /** The most calls one request carries (inventory takes up to 256). */
    private static final int MAX_BATCH = 256;

    private final RestClient http;
    private final CircuitBreaker breaker;
    private final Batcher<PrepareCall, VoteBody> prepares;
    private final Batcher<DecisionCall, DecisionResult> decisions;
    private final Duration prepareWait;

    InventoryClient(InventoryProperties properties, RestClient.Builder builder, CircuitBreakerRegistry breakers,
            TimeLimiterRegistry limiters) {
        this.http = builder.clone().baseUrl(properties.url().toString())
                .requestFactory(PooledHttp.requestFactory(properties.connectTimeout(), properties.readTimeout())).build();
        this.breaker = breakers.circuitBreaker(NAME);
        Executor senders = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("inventory-batch-", 0).factory());
        this.prepares = new Batcher<>(calls -> matched(calls, PrepareCall::txId,
                send("/internal/2pc/prepares", "prepares", calls, VoteBatch.class).votes(), VoteBody::txId),
                MAX_BATCH, properties.requestsInFlight(), senders);
        this.decisions = new Batcher<>(calls -> matched(calls, DecisionCall::txId,
                send("/internal/2pc/decisions", "decisions", calls, DecisionResults.class).results(), DecisionResult::txId),
                MAX_BATCH, properties.requestsInFlight(), senders);
        // The coordinator stops waiting for a prepare at its time limit and votes NO for it, but its time limiter
        // does not interrupt this call. So the call keeps the same limit itself: a prepare still queued behind a
        // slow request by then is withdrawn, instead of reserving units at inventory for a transaction already
        // voted down (the abort would release them, but only after they were refused to others meanwhile).
        this.prepareWait = limiters.timeLimiter("prepare").getTimeLimiterConfig().getTimeoutDuration();
    }

    public Branch branch(String sku, int quantity) {
        return new Branch(NAME, txId -> prepare(txId, sku, quantity));
    }

    VoteReply prepare(String txId, String sku, int quantity) {
        try {
            VoteBody vote = guarded(() -> prepareWithinLimit(new PrepareCall(txId, sku, quantity)));
            return vote != null && vote.vote() == Vote.YES ? VoteReply.yes()
                    : VoteReply.no(vote == null || vote.reason() == null ? "inventory said no" : vote.reason());
        } catch (CallNotPermittedException e) {
            return VoteReply.no("inventory unavailable: it failed repeatedly just now, so it is not asked for a while");
        } catch (ResourceAccessException e) {
            return VoteReply.no("inventory unavailable: " + unreachable(e));
        } catch (HttpClientErrorException e) {
            return VoteReply.no("inventory refused the request: " + e.getStatusCode());
        } catch (PrepareNotAnswered e) {
            return VoteReply.no("inventory unavailable: " + e.getMessage());
        }
    }

    private VoteBody prepareWithinLimit(PrepareCall call) {
        try {
            return prepares.call(call, prepareWait);
        } catch (TimeoutException e) {
            throw new PrepareNotAnswered("it did not answer within " + prepareWait.toMillis() + " ms", e);
        }
    }

    /** A failure the breaker counts: an inventory too slow to answer is as unavailable as one that is down. */
    private static final class PrepareNotAnswered extends RuntimeException {
        PrepareNotAnswered(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Why the call found nobody to answer it, in words: the order's reason is read by people, not by a debugger. */
    static String unreachable(ResourceAccessException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof ConnectException) {
            return "nothing accepts connections at its address (is it running?)";
        }
        if (cause instanceof NoHttpResponseException || cause instanceof SocketException) {
            return "it dropped the connection without answering (it may have stopped)";
        }
        if (cause instanceof SocketTimeoutException) {
            return "it did not answer in time";
        }
        if (cause instanceof UnknownHostException) {
            return "its host name is unknown (" + cause.getMessage() + ")";
        }
        return "it could not be reached (" + cause.getClass().getSimpleName() + ")";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void commit(String txId) {
        decide(txId, "COMMIT");
    }

    @Override
    public void abort(String txId) {
        decide(txId, "ABORT");
    }

    /** Throws what the single route's answer would have thrown: a 404 or 409 is a client error, phase two's to judge. */
    private void decide(String txId, String decision) {
        DecisionResult result = guarded(() -> decisions.call(new DecisionCall(txId, decision)));
        HttpStatusCode status = HttpStatusCode.valueOf(result.status());
        if (status.is4xxClientError()) {
            throw HttpClientErrorException.create(result.detail(), status, "", HttpHeaders.EMPTY, null, null);
        }
        if (!status.is2xxSuccessful()) {
            throw HttpServerErrorException.create(result.detail(), status, "", HttpHeaders.EMPTY, null, null);
        }
    }

    private <T> T send(String route, String field, List<?> calls, Class<T> answer) {
        T body = http.post().uri(route).contentType(MediaType.APPLICATION_JSON).body(Map.of(field, calls))
                .retrieve().body(answer);
        if (body == null) {
            throw new IllegalStateException(route + " answered with no body");
        }
        return body;
    }

    /** Answers are matched to calls by position; a batch whose answers name other transactions fails whole. */
    private static <C, A> List<A> matched(List<C> calls, Function<C, String> asked, List<A> answers,
            Function<A, String> answered) {
        for (int i = 0; i < Math.min(calls.size(), answers.size()); i++) {
            if (!asked.apply(calls.get(i)).equals(answered.apply(answers.get(i)))) {
                throw new IllegalStateException("inventory answered for " + answered.apply(answers.get(i)) + " where "
                        + asked.apply(calls.get(i)) + " was asked");
            }
        }
        return answers;
    }

    private <T> T guarded(Supplier<T> call) {
        return breaker.executeSupplier(call);
    }

    record PrepareCall(String txId, String sku, int quantity) {
    }

    record DecisionCall(String txId, String decision) {
    }

    record VoteBody(String txId, Vote vote, String reason) {
    }

    record VoteBatch(List<VoteBody> votes) {
    }

    record DecisionResult(String txId, int status, String state, String detail) {
    }

    record DecisionResults(List<DecisionResult> results) {
    }
}
