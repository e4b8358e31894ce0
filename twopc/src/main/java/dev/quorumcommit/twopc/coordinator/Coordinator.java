package dev.quorumcommit.twopc.coordinator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.TwoPcMetrics;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.consensus.ConsensusUnavailableException;

/**
 * Runs one transaction: record, prepare everyone in parallel within a time limit, decide, write
 * the decision once through consensus, deliver it. Unlike textbook 2PC the decision is not this
 * process's to keep (DESIGN.md): it goes through put-if-absent, and if a participant that gave up
 * waiting already wrote ABORT there, that is the decision, whatever the votes said.
 */
public class Coordinator {

    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    private final TransactionLog transactions;
    private final DecisionRegister register;
    private final Preparation preparation;
    private final DecisionDelivery delivery;
    private final TwoPcMetrics metrics;
    private final Clock clock;
    private final Duration acknowledgementWait;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public Coordinator(TransactionLog transactions, DecisionRegister register, Preparation preparation,
            DecisionDelivery delivery, TwoPcMetrics metrics, Clock clock, Duration acknowledgementWait) {
        this.transactions = transactions;
        this.register = register;
        this.preparation = preparation;
        this.delivery = delivery;
        this.metrics = metrics;
        this.clock = clock;
        this.acknowledgementWait = acknowledgementWait;
    }

    public Outcome run(String txId, List<Branch> branches) {
        MDC.put("txId", txId);
        inFlight.add(txId);
        try {
            Instant start = clock.instant();
            List<String> names = branches.stream().map(Branch::participant).toList();
            transactions.begin(txId, names, start);
            Map<String, VoteReply> votes = new LinkedHashMap<>(preparation.prepareAll(txId, branches));
            votes.forEach((name, vote) -> transactions.recordVote(txId, name, vote));
            List<String> reasons = votes.values().stream().filter(v -> !v.isYes()).map(VoteReply::reason).toList();
            Decision proposal = reasons.isEmpty() && votes.size() == branches.size() ? Decision.COMMIT : Decision.ABORT;
            Decision decision;
            try {
                decision = register.decide(txId, proposal);
            } catch (ConsensusUnavailableException e) {
                log.warn("decision {} could not be written, transaction stays in doubt for recovery: {}", proposal,
                        e.getMessage());
                metrics.transaction("pending");
                return new Outcome(txId, null, reasons, false);
            }
            if (decision != proposal) {
                log.info("proposed {} but {} was already decided; obeying it", proposal, decision);
            }
            Instant decidedAt = clock.instant();
            transactions.recordDecision(txId, decision, decidedAt);
            metrics.decided(Duration.between(start, decidedAt));
            metrics.transaction(decision.name().toLowerCase());
            return new Outcome(txId, decision, reasons, awaitAcknowledgements(txId, decision, names));
        } finally {
            inFlight.remove(txId);
            MDC.remove("txId");
        }
    }

    /** Recovery leaves transactions alone while this process is still running them. */
    boolean isInFlight(String txId) {
        return inFlight.contains(txId);
    }

    private boolean awaitAcknowledgements(String txId, Decision decision, List<String> names) {
        CompletableFuture<Boolean> acked = delivery.deliver(txId, decision, names);
        try {
            return acked.get(acknowledgementWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false; // delivery goes on in the background; the caller answers with what it knows
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }
}
