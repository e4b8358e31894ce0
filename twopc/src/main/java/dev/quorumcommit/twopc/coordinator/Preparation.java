package dev.quorumcommit.twopc.coordinator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.timelimiter.TimeLimiter;
import org.slf4j.MDC;

import dev.quorumcommit.twopc.VoteReply;

/**
 * Phase one: every participant is asked at once, each under the time limiter ("prepare" in
 * application.yml). No answer in time, or an error, is a NO: a participant that is slow now
 * cannot be counted on to commit later. Prepare is never retried here: a retry would only eat
 * the same time budget, and a silent participant is aborted anyway.
 */
public class Preparation {

    private final TimeLimiter timeLimiter;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;

    public Preparation(TimeLimiter timeLimiter, ScheduledExecutorService scheduler, Executor executor) {
        this.timeLimiter = timeLimiter;
        this.scheduler = scheduler;
        this.executor = executor;
    }

    public Map<String, VoteReply> prepareAll(String txId, List<Branch> branches) {
        Map<String, CompletableFuture<VoteReply>> pending = new LinkedHashMap<>();
        String mdc = MDC.get("txId");
        for (Branch branch : branches) {
            CompletableFuture<VoteReply> vote = timeLimiter.executeCompletionStage(scheduler,
                    () -> CompletableFuture.supplyAsync(() -> ask(branch, txId, mdc), executor))
                    .toCompletableFuture()
                    .exceptionally(e -> VoteReply.no(describe(branch.participant(), e)));
            pending.put(branch.participant(), vote);
        }
        Map<String, VoteReply> votes = new LinkedHashMap<>();
        pending.forEach((name, vote) -> votes.put(name, vote.join()));
        return votes;
    }

    private static VoteReply ask(Branch branch, String txId, String mdc) {
        if (mdc != null) {
            MDC.put("txId", mdc);
        }
        try {
            VoteReply reply = branch.prepare().prepare(txId);
            return reply == null ? VoteReply.no(branch.participant() + " gave no vote") : reply;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        } finally {
            MDC.remove("txId");
        }
    }

    private static String describe(String participant, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException) {
            return participant + " did not vote within the prepare time limit";
        }
        return participant + " unavailable: " + cause.getMessage();
    }
}
