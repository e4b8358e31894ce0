package dev.quorumcommit.consensus.node;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long idempotency keys are remembered. Every member of a cluster must use the same values:
 * they take part in the replicated state machine's computation.
 *
 * @param retention at least 10 minutes, as the contract promises
 * @param maxKeys   a bound on the memory the keys take: once this many are remembered, none expired, keyed writes
 *                  are refused (503) until old ones expire, rather than a key forgotten before its retention. The
 *                  default, 200,000, is 333 keyed writes a second for 10 minutes, in some 70 MB of heap (about 170
 *                  bytes for a key and its place in the table, plus its answer, deflated: 181 bytes on average for
 *                  order-service's batches of decisions, measured in a snapshot)
 */
@ConfigurationProperties("consensus.idempotency")
public record IdempotencyProperties(@DefaultValue("10m") Duration retention, @DefaultValue("200000") int maxKeys) {

    public IdempotencyProperties {
        if (retention.compareTo(Duration.ofMinutes(10)) < 0) {
            throw new InvalidConfigurationException("consensus.idempotency.retention must be at least 10m, was " + retention);
        }
        if (maxKeys < 1000) {
            throw new InvalidConfigurationException("consensus.idempotency.max-keys must be at least 1000, was " + maxKeys);
        }
    }
}
