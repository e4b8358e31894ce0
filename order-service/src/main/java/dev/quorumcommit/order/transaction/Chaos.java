package dev.quorumcommit.order.transaction;

import java.util.List;
import java.util.Optional;

import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.DecisionRegister;

/**
 * Fault injection for the system tests, off unless {@code twopc.chaos.halt-at} is set. With
 * {@code AFTER_DECISION} the coordinator halts the JVM (exit 137, no shutdown hook: what kill -9 does)
 * right after the decision is durably written through consensus, before it is recorded in its own log
 * and before phase two tells any participant. A restart without the switch must finish the transaction:
 * recovery finds the record undecided and reads the decision back from the register.
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

    /** The coordinator's decision register, or with AFTER_DECISION one that halts once a decision is written. */
    DecisionRegister coordinatorRegister(DecisionRegister register) {
        if (haltAt != HaltAt.AFTER_DECISION) {
            return register;
        }
        return new DecisionRegister() {
            @Override
            public Decision decide(String txId, Decision proposal) {
                Decision decision = register.decide(txId, proposal);
                LoggerFactory.getLogger(Chaos.class).warn("FAULT INJECTION: halting after decision {} of {}", decision, txId);
                Runtime.getRuntime().halt(137);
                return decision;
            }

            @Override
            public Optional<Decision> read(String txId) {
                return register.read(txId);
            }

            @Override
            public void forget(List<String> txIds) {
                register.forget(txIds);
            }

            @Override
            public String keyOf(String txId) {
                return register.keyOf(txId);
            }
        };
    }
}
