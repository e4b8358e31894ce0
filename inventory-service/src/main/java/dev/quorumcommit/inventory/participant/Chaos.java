package dev.quorumcommit.inventory.participant;

import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.quorumcommit.twopc.VoteReply;

/**
 * Fault injection for the system tests, off unless {@code twopc.chaos.halt-at} is set. With
 * {@code AFTER_PREPARE} the participant halts the JVM (exit 137, no shutdown hook: what kill -9 does)
 * right after a YES prepare committed locally, before answering it. A restart without the switch must
 * release the reservation once the decision (ABORT: the coordinator never heard the YES) is known.
 */
@ConfigurationProperties("twopc.chaos")
record Chaos(HaltAt haltAt) {

    enum HaltAt {
        AFTER_PREPARE
    }

    Chaos {
        if (haltAt != null) {
            LoggerFactory.getLogger(Chaos.class).warn("FAULT INJECTION ON: the process halts {}", haltAt);
        }
    }

    void afterPrepare(String txId, VoteReply vote) {
        if (haltAt == HaltAt.AFTER_PREPARE && vote.isYes()) {
            LoggerFactory.getLogger(Chaos.class).warn("FAULT INJECTION: halting after the prepare of {}", txId);
            Runtime.getRuntime().halt(137);
        }
    }
}
