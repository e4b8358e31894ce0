package dev.quorumcommit.consensus.web;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.client.ResourceAccessException;

import dev.quorumcommit.consensus.node.ConsensusNode;
import dev.quorumcommit.consensus.transport.Firewall;
import dev.quorumcommit.consensus.node.ConsensusProperties;
import dev.quorumcommit.consensus.node.NodeUnavailableException;
import dev.quorumcommit.consensus.node.NotLeaderException;

/**
 * Serves a write or a linearizable read where it can be served: here when this node leads,
 * otherwise at the leader, whose answer is relayed. While no leader is known or reachable (an
 * election is on), it tries again until the request's deadline ({@code consensus.request-timeout}),
 * then answers 503 with Retry-After. It only ever retries an operation that the node refused with
 * {@link NotLeaderException}, which by the port's promise did nothing, so a retry cannot apply a
 * write twice.
 */
@Component
public class LeaderRouter {

    private static final Logger log = LoggerFactory.getLogger(LeaderRouter.class);
    private static final long PAUSE_MILLIS = 50;

    private final ConsensusNode node;
    private final LeaderForwarder forwarder;
    private final Duration timeout;
    private final RoutingMetrics metrics;
    private final Firewall firewall;

    LeaderRouter(ConsensusNode node, LeaderForwarder forwarder, ConsensusProperties properties, RoutingMetrics metrics,
                 Firewall firewall) {
        this.node = node;
        this.firewall = firewall;
        this.forwarder = forwarder;
        this.timeout = properties.requestTimeout();
        this.metrics = metrics;
    }

    /**
     * @param body   the parsed request body, sent on when forwarding; null for none
     * @param local  the operation on this node
     * @param answer turns the operation's result into this route's answer
     */
    public <T> ResponseEntity<?> route(HttpServletRequest request, Object body, Supplier<CompletableFuture<T>> local,
            Function<T, ResponseEntity<?>> answer) {
        try {
            return serve(request, body, local, answer);
        } catch (ErrorResponseException e) {
            if (e.getStatusCode().value() == 503) {
                metrics.unavailable();
            }
            throw e;
        }
    }

    private <T> ResponseEntity<?> serve(HttpServletRequest request, Object body, Supplier<CompletableFuture<T>> local,
            Function<T, ResponseEntity<?>> answer) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean forwarded = request.getHeader(LeaderForwarder.FORWARDED_BY) != null;
        String lastProblem = "no leader is known";
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw ApiProblem.unavailable("No leader with a quorum answered within " + ApiProblem.seconds(timeout) + " ("
                        + lastProblem + "). Retry later; a write retried with the same Idempotency-Key is applied at most once.");
            }
            CompletableFuture<T> operation = local.get();
            try {
                T result = operation.get(remaining, TimeUnit.NANOSECONDS);
                metrics.servedLocally();
                return answer.apply(result);
            } catch (TimeoutException e) {
                operation.cancel(false);
                throw ApiProblem.unavailable("This node could not get a quorum within " + ApiProblem.seconds(timeout)
                        + "; the write may still be applied. Retry with the same Idempotency-Key to learn its outcome.");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiProblem.unavailable("The request was interrupted (the node is shutting down).");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof NodeUnavailableException unavailable) {
                    throw ApiProblem.unavailable(unavailable.title(), unavailable.getMessage()
                            + ". Retry later; with the same Idempotency-Key a write is applied at most once.");
                }
                if (!(e.getCause() instanceof NotLeaderException notLeader)) {
                    throw new IllegalStateException("the consensus node failed", e.getCause());
                }
                if (forwarded) {
                    ErrorResponseException moved = ApiProblem.unavailable("This node received the request from "
                            + request.getHeader(LeaderForwarder.FORWARDED_BY) + " as the leader, but is not the leader ("
                            + notLeader.getMessage() + "). Retry: the cluster is changing leaders.");
                    moved.getHeaders().set(LeaderForwarder.NOT_LEADER, node.status().nodeId());
                    throw moved;
                }
                String leaderId = notLeader.leaderId() != null ? notLeader.leaderId() : node.status().leaderId();
                URI leaderUrl = leaderId == null ? null : node.status().members().stream()
                        .filter(m -> m.id().equals(leaderId) && !m.self()).map(m -> m.url()).findFirst().orElse(null);
                if (leaderUrl != null && !firewall.allows(leaderId)) {
                    lastProblem = "the leader " + leaderId + " is cut off from this node (chaos)";
                } else if (leaderUrl != null) {
                    try {
                        ResponseEntity<byte[]> relayed = forwarder.forward(leaderUrl, request, body);
                        metrics.forwarded();
                        return relayed;
                    } catch (LeaderForwarder.LeaderMovedException moved) {
                        lastProblem = moved.getMessage(); // it did nothing: ask again once this node knows the new one
                    } catch (ResourceAccessException unreachable) {
                        log.debug("leader {} at {} unreachable: {}", leaderId, leaderUrl, unreachable.getMessage());
                        if (!safeToRetry(request, unreachable)) {
                            throw ApiProblem.unavailable("The leader " + leaderId + " stopped answering while handling this"
                                    + " write; it may still be applied. Retry with an Idempotency-Key to learn its outcome.");
                        }
                        lastProblem = "the leader " + leaderId + " at " + leaderUrl + " did not answer";
                    }
                } else {
                    lastProblem = leaderId == null ? "no leader is known" : "the leader " + leaderId + " has no known URL";
                }
                pause(Math.min(PAUSE_MILLIS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        }
    }

    /**
     * Whether a failed forward may be sent again: a read may; a write only if it never reached the
     * leader (no connection) or if its Idempotency-Key makes a second delivery harmless.
     */
    private static boolean safeToRetry(HttpServletRequest request, ResourceAccessException failure) {
        return "GET".equals(request.getMethod()) || request.getHeader(Requests.IDEMPOTENCY_KEY) != null
                || failure.getCause() instanceof java.net.ConnectException
                || failure.getCause() instanceof java.net.http.HttpConnectTimeoutException;
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiProblem.unavailable("The request was interrupted (the node is shutting down).");
        }
    }
}
