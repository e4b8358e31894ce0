package dev.quorumcommit.twopc.coordinator;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.client.HttpClientErrorException;

import dev.quorumcommit.twopc.Decision;

/**
 * Phase two: tells each participant the decision, retrying with exponential back-off and jitter
 * (the Resilience4j retry given, "phase-two" in application.yml) and records each
 * acknowledgement. When the retries run out the transaction simply stays unfinished in the log,
 * and the next recovery pass delivers again: "until each acknowledges" spans restarts.
 */
public class DecisionDelivery {

    private static final Logger log = LoggerFactory.getLogger(DecisionDelivery.class);

    private final TransactionLog transactions;
    private final Map<String, ParticipantChannel> channels;
    private final Retry retry;
    private final Executor executor;

    public DecisionDelivery(TransactionLog transactions, Map<String, ParticipantChannel> channels, Retry retry,
            Executor executor) {
        this.transactions = transactions;
        this.channels = Map.copyOf(channels);
        this.retry = retry;
        this.executor = executor;
    }

    /**
     * Completes with true once every named participant acknowledged, false if any is still owed the decision.
     * Once all have, the transaction is {@link TransactionLog#markFinished marked finished}, if its record is (a
     * local participant may still be owed it): with a single participant, in the local transaction that records
     * its acknowledgement; with more, after all of theirs are durable.
     */
    public CompletableFuture<Boolean> deliver(String txId, Decision decision, Collection<String> participants) {
        if (participants.size() == 1) {
            String only = participants.iterator().next();
            return CompletableFuture.supplyAsync(() -> deliverOne(txId, decision, only, true), executor);
        }
        List<CompletableFuture<Boolean>> each = participants.stream()
                .map(name -> CompletableFuture.supplyAsync(() -> deliverOne(txId, decision, name, false), executor))
                .toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApplyAsync(done -> {
            if (!each.stream().allMatch(CompletableFuture::join)) {
                return false;
            }
            markFinished(txId);
            return true;
        }, executor);
    }

    /**
     * Phase two to a {@link Branch#local local} participant, in the calling thread and inside the caller's
     * local transaction, once and without retries: if it fails, the caller's whole step rolls back, and
     * recovery delivers it again through the ordinary path. The caller records the acknowledgement, with the
     * decision ({@link TransactionLog#recordDecision(String, Decision, java.time.Instant, Collection)}).
     */
    public void deliverInline(String txId, Decision decision, String name) {
        ParticipantChannel channel = channels.get(name);
        if (channel == null) {
            throw new IllegalStateException("no channel to participant '" + name + "'");
        }
        if (decision == Decision.COMMIT) {
            channel.commit(txId);
        } else {
            channel.abort(txId);
        }
    }

    private void markFinished(String txId) {
        try {
            transactions.atomically(() -> transactions.markFinished(txId));
        } catch (RuntimeException e) {
            MDC.put("txId", txId);
            log.warn("every participant acknowledged, but the transaction could not be marked finished; recovery will: {}",
                    e.toString());
            MDC.remove("txId");
        }
    }

    /** @param last whether this is the only participant delivered to, whose acknowledgement finishes the delivery */
    private boolean deliverOne(String txId, Decision decision, String name, boolean last) {
        MDC.put("txId", txId);
        try {
            ParticipantChannel channel = channels.get(name);
            if (channel == null) {
                log.error("no channel to participant '{}': {} cannot be delivered", name, decision);
                return false;
            }
            retry.executeRunnable(() -> {
                if (decision == Decision.COMMIT) {
                    channel.commit(txId);
                } else {
                    channel.abort(txId);
                }
            });
            transactions.atomically(() -> {
                transactions.recordAcknowledged(txId, name);
                if (last) {
                    transactions.markFinished(txId);
                }
                return null;
            });
            return true;
        } catch (HttpClientErrorException e) {
            // Unknown transaction, or a decision of its own: a participant that voted YES can only say that if it lost
            // its records. Not an outage to wait out: someone must look. Recovery keeps trying, and saying so.
            log.error("{} refused by {}: {}; the transaction stays unfinished until that participant accepts it",
                    decision, name, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            log.warn("{} not acknowledged by {} yet, recovery will deliver it again: {}", decision, name, e.toString());
            return false;
        } finally {
            MDC.remove("txId");
        }
    }
}
