package dev.quorumcommit.twopc;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The protocol's meters, tagged with the role ("coordinator", "participant") so that one
 * dashboard can show both sides of a service that plays both.
 */
public class TwoPcMetrics {

    private final MeterRegistry registry;
    private final String role;
    private final Timer decisionLatency;
    private final Counter recovered;
    private final Map<Step, Timer> steps = new EnumMap<>(Step.class);
    /** Registered on first use, so that a role that never decides shows no counter of its own. */
    private final Map<Decision, Counter> transactions = new ConcurrentHashMap<>();

    /** The coordinator's steps, one after the other, that make up an order's wait (see {@link #step}). */
    public enum Step {
        /** The record and the local participants' prepares: one local commit, queue included. */
        RECORD,
        /** Every remote participant's vote. */
        PREPARE,
        /** The decision written (or found) in the register. */
        DECIDE,
        /** Votes, decision and the local participants' phase two: one local commit, queue included. */
        FINISH
    }

    public TwoPcMetrics(MeterRegistry registry, String role) {
        this.registry = registry;
        this.role = role;
        this.decisionLatency = Timer.builder("twopc.decision.latency")
                .description("From the start of a transaction to its decision standing in the register")
                .tag("role", role).register(registry);
        this.recovered = Counter.builder("twopc.recovered")
                .description("Transactions finished by recovery or termination instead of the normal flow")
                .tag("role", role).register(registry);
        for (Step step : Step.values()) {
            steps.put(step, Timer.builder("twopc.step.latency")
                    .description("How long each step of a transaction took, waiting included: where a caller's time goes")
                    .tag("step", lowerCase(step)).tag("role", role).register(registry));
        }
    }

    /**
     * outcome: commit or abort, counted once per transaction, when its decision is recorded in the coordinator's
     * log (by the normal flow or by recovery). Those not decided yet are the {@code twopc.in.doubt} gauge.
     */
    public void transaction(Decision outcome) {
        transactions.computeIfAbsent(outcome, decision -> Counter.builder("twopc.transactions")
                .tag("outcome", lowerCase(decision)).tag("role", role).register(registry)).increment();
    }

    public void decided(Duration sinceStart) {
        decisionLatency.record(sinceStart);
    }

    public void step(Step step, long nanos) {
        steps.get(step).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Tag values in one spelling whatever the JVM's locale (in Turkish, "FINISH" lower-cases to "fınısh"). */
    private static String lowerCase(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    public void recovered() {
        recovered.increment();
    }

    public void inDoubt(Supplier<Number> count) {
        Gauge.builder("twopc.in.doubt", count)
                .description("Transactions prepared or begun whose decision this process does not know yet")
                .tag("role", role).register(registry);
    }
}
