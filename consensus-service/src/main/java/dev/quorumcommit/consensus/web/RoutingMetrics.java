package dev.quorumcommit.consensus.web;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How often this node serves requests itself, sends them to the leader, or gives up with 503: the
 * figures that show a leader change from the outside.
 */
@Component
public class RoutingMetrics {

    private final Counter local;
    private final Counter forwarded;
    private final Counter unavailable;

    RoutingMetrics(MeterRegistry registry) {
        this.local = outcome(registry, "local");
        this.forwarded = outcome(registry, "forwarded");
        this.unavailable = outcome(registry, "unavailable");
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("raft.api.requests")
                .description("Writes and linearizable reads, by where they were served")
                .tag("outcome", outcome)
                .register(registry);
    }

    void servedLocally() {
        local.increment();
    }

    void forwarded() {
        forwarded.increment();
    }

    void unavailable() {
        unavailable.increment();
    }
}
