package dev.quorumcommit.twopc.coordinator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.TwoPcMetrics;
import dev.quorumcommit.twopc.TwoPcMetrics.Step;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.consensus.ConsensusUnavailableException;

/**
 * Runs one transaction: record, prepare everyone within a time limit, decide, write the decision
 * once through consensus, deliver it. Unlike textbook 2PC the decision is not this process's to
 * keep (DESIGN.md): it goes through put-if-absent, and if a participant that gave up waiting
 * already wrote ABORT there, that is the decision, whatever the votes said.
 * <p>
 * Local commits, in order: (1) the record together with the {@link Branch#local local} participants'
 * prepares, before any remote prepare; (2) once the decision stands in the register: the votes, the
 * decision and the local participants' phase two together. The remote participants' phase two then runs
 * in the background (retried, and finished by recovery after a crash); the caller waits for it at most
 * {@code acknowledgementWait}. So an answer given after run() already reflects the local participants'
 * outcome, and the remote ones are bound by a decision that can no longer change.
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

    /**
     * A local branch that throws from its prepare rolls back the record with it, and the exception
     * leaves this method: nothing was started, nobody else was asked.
     */
    public Outcome run(String txId, List<Branch> branches) {
        MDC.put("txId", txId);
        inFlight.add(txId);
        boolean deliveringInBackground = false;
        try {
            Instant start = clock.instant();
            long stepStart = System.nanoTime();
            List<String> names = branches.stream().map(Branch::participant).toList();
            List<Branch> local = branches.stream().filter(Branch::local).toList();
            List<Branch> remote = branches.stream().filter(b -> !b.local()).toList();
            Map<String, VoteReply> votes = new LinkedHashMap<>(transactions.atomically(() -> {
                transactions.begin(txId, names, start);
                return prepareLocally(txId, local);
            }));
            stepStart = stepDone(Step.RECORD, stepStart);
            Map<String, VoteReply> remoteVotes = preparation.prepareAll(txId, remote);
            stepStart = stepDone(Step.PREPARE, stepStart);
            votes.putAll(remoteVotes);
            List<String> reasons = votes.values().stream().filter(v -> !v.isYes()).map(VoteReply::reason).toList();
            Decision proposal = reasons.isEmpty() && votes.size() == branches.size() ? Decision.COMMIT : Decision.ABORT;
            Decision decision;
            try {
                decision = register.decide(txId, proposal);
            } catch (ConsensusUnavailableException e) {
                log.warn("decision {} could not be written, transaction stays in doubt for recovery: {}", proposal,
                        e.getMessage());
                return inDoubt(txId, remoteVotes, reasons);
            } catch (RuntimeException e) {
                // Not an outage (an answer the client did not expect, say), but just as unknown: the decision may or
                // may not stand in the register, so the order is PENDING and recovery reads the register again.
                log.warn("decision {} could not be written, transaction stays in doubt for recovery: {}", proposal,
                        e.toString());
                return inDoubt(txId, remoteVotes, reasons);
            }
            stepStart = stepDone(Step.DECIDE, stepStart);
            if (decision != proposal) {
                log.info("proposed {} but {} was already decided; obeying it", proposal, decision);
            }
            Instant decidedAt = clock.instant();
            boolean localDone = finishLocally(txId, decision, decidedAt, remoteVotes, local);
            stepDone(Step.FINISH, stepStart);
            metrics.decided(Duration.between(start, decidedAt));
            if (localDone) { // otherwise recovery records the decision, and counts it then
                metrics.transaction(decision);
            }
            CompletableFuture<Boolean> remoteAcks = delivery
                    .deliver(txId, decision, remote.stream().map(Branch::participant).toList())
                    .whenComplete((acked, failure) -> inFlight.remove(txId)); // recovery stays away until then
            deliveringInBackground = true;
            return new Outcome(txId, decision, reasons, localDone, localDone && await(remoteAcks));
        } finally {
            if (!deliveringInBackground) {
                inFlight.remove(txId);
            }
            MDC.remove("txId");
        }
    }

    private long stepDone(Step step, long startedNanos) {
        long now = System.nanoTime();
        metrics.step(step, now - startedNanos);
        return now;
    }

    /** Recovery leaves transactions alone while this process is still running them. */
    boolean isInFlight(String txId) {
        return inFlight.contains(txId);
    }

    private Map<String, VoteReply> prepareLocally(String txId, List<Branch> local) {
        Map<String, VoteReply> votes = new LinkedHashMap<>();
        for (Branch branch : local) {
            VoteReply vote;
            try {
                vote = branch.prepare().prepare(txId);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(branch.participant() + " could not prepare locally", e);
            }
            vote = vote == null ? VoteReply.no(branch.participant() + " gave no vote") : vote;
            transactions.recordVote(txId, branch.participant(), vote);
            votes.put(branch.participant(), vote);
        }
        return votes;
    }

    /** Recording the votes lets recovery commit, rather than abort, once the register answers again. */
    private Outcome inDoubt(String txId, Map<String, VoteReply> remoteVotes, List<String> reasons) {
        recordVotes(txId, remoteVotes);
        return new Outcome(txId, null, reasons, false, false);
    }

    private void recordVotes(String txId, Map<String, VoteReply> votes) {
        try {
            transactions.atomically(() -> {
                votes.forEach((name, vote) -> transactions.recordVote(txId, name, vote));
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("votes not recorded, recovery will abort: {}", e.toString());
        }
    }

    /**
     * The decision stands in the register already, so a failure here loses nothing: the record stays
     * undecided, and recovery reads the decision back from the register and delivers it.
     */
    private boolean finishLocally(String txId, Decision decision, Instant decidedAt, Map<String, VoteReply> remoteVotes,
            List<Branch> local) {
        try {
            transactions.atomically(() -> {
                remoteVotes.forEach((name, vote) -> transactions.recordVote(txId, name, vote));
                for (Branch branch : local) {
                    delivery.deliverInline(txId, decision, branch.participant());
                }
                transactions.recordDecision(txId, decision, decidedAt, local.stream().map(Branch::participant).toList());
                return null;
            });
            return true;
        } catch (RuntimeException e) {
            log.warn("decision {} stands but could not be recorded here; recovery will finish it: {}", decision,
                    e.toString());
            return false;
        }
    }

    private boolean await(CompletableFuture<Boolean> acked) {
        try {
            if (acknowledgementWait.isZero()) {
                return acked.getNow(false);
            }
            return acked.get(acknowledgementWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false; // delivery goes on in the background; the caller answers with what it knows
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | CompletionException e) {
            return false;
        }
    }
}
