package dev.quorumcommit.twopc.consensus;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.RetryConfig;

/**
 * Builds the client's retry policy from a base (exponential back-off with jitter, configured in
 * application.yml as {@code resilience4j.retry.configs.consensus}) and adds what only the client
 * knows: a 503's Retry-After is a floor for the next wait, and only failures another node may
 * fix are retried (a 4xx is a bug and fails at once).
 */
public final class ConsensusRetries {

    private ConsensusRetries() {
    }

    public static RetryConfig honouringRetryAfter(RetryConfig base) {
        IntervalBiFunction<Object> planned = base.getIntervalBiFunction();
        IntervalBiFunction<Object> withRetryAfter = (attempt, outcome) -> {
            long wait = planned.apply(attempt, outcome);
            if (outcome.isLeft() && outcome.getLeft() instanceof RetryableConsensusException e
                    && e.retryAfter() != null) {
                return Math.max(wait, e.retryAfter().toMillis());
            }
            return wait;
        };
        return RetryConfig.custom()
                .maxAttempts(base.getMaxAttempts())
                .intervalBiFunction(withRetryAfter)
                .retryExceptions(RetryableConsensusException.class)
                .build();
    }
}
