package dev.quorumcommit.order.transaction;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.coordinator.DecisionDelivery;

/**
 * Fault injection for the system tests, off unless {@code twopc.chaos.halt-at} is set. With
 * {@code AFTER_DECISION} the coordinator halts the JVM (exit 137, no shutdown hook: what kill -9 does)
 * right after the decision is durably written, through consensus and into its own log, and before
 * phase two tells any participant. A restart without the switch must finish the transaction.
 */
@ConfigurationProperties("twopc.chaos")
record Chaos(HaltAt haltAt) {

    enum HaltAt {
        AFTER_DECISION
    }

    Chaos {
        if (haltAt != null) {
            LoggerFactory.getLogger(Chaos.class).warn("FAULT INJECTION ON: the process halts {}", haltAt);
        }
    }

    /** The coordinator's phase two, or with AFTER_DECISION one that halts instead of delivering. */
    DecisionDelivery phaseTwo(DecisionDelivery delivery) {
        if (haltAt != HaltAt.AFTER_DECISION) {
            return delivery;
        }
        return new DecisionDelivery(null, Map.of(), null, null) {
            @Override
            public CompletableFuture<Boolean> deliver(String txId, Decision decision, Collection<String> participants) {
                LoggerFactory.getLogger(Chaos.class).warn("FAULT INJECTION: halting after decision {} of {}", decision, txId);
                Runtime.getRuntime().halt(137);
                return delivery.deliver(txId, decision, participants);
            }
        };
    }
}
