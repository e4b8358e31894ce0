package dev.quorumcommit.twopc.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.Test;

class ConsensusRetriesTest {

    private final RetryConfig config = ConsensusRetries.honouringRetryAfter(RetryConfig.custom().maxAttempts(4)
            .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(100), 2.0, 0.5)).build());

    @Test
    void backOffGrowsExponentiallyWithJitter() {
        long first = config.getIntervalBiFunction().apply(1, Either.left(failure(null)));
        long third = config.getIntervalBiFunction().apply(3, Either.left(failure(null)));

        assertThat(first).isBetween(50L, 150L);
        assertThat(third).isBetween(200L, 600L);
    }

    @Test
    void retryAfterIsAFloorForTheWait() {
        assertThat(config.getIntervalBiFunction().apply(1, Either.left(failure(Duration.ofSeconds(3)))))
                .isEqualTo(3_000L);
    }

    @Test
    void onlyFailuresAnotherNodeMayFixAreRetried() {
        assertThat(config.getExceptionPredicate().test(failure(null))).isTrue();
        assertThat(config.getExceptionPredicate().test(new ConsensusRequestException("400"))).isFalse();
    }

    @Test
    void retryAfterHeaderInSecondsIsRead() {
        assertThat(ConsensusClient.retryAfter("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ConsensusClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isNull();
        assertThat(ConsensusClient.retryAfter(null)).isNull();
    }

    private static RetryableConsensusException failure(Duration retryAfter) {
        return new RetryableConsensusException(URI.create("http://n1"), "503", retryAfter, null);
    }
}
