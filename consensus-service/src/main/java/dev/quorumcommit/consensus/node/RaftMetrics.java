package dev.quorumcommit.consensus.node;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The node's {@code raft.*} meters; gauges read the published status, never the core. */
final class RaftMetrics {

    private final Counter leaderChanges;
    private final Timer proposalLatency;
    private final Timer fsyncLatency;
    private final DistributionSummary appendBatch;

    RaftMetrics(MeterRegistry registry) {
        this.leaderChanges = Counter.builder("raft.leader.changes").description("Leaders this node has seen come in").register(registry);
        this.proposalLatency = Timer.builder("raft.proposal.latency").description("From proposal to applied, on the leader")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.fsyncLatency = Timer.builder("raft.fsync.latency").description("One sync of the log and hard state")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.appendBatch = DistributionSummary.builder("raft.append.batch.size").description("Entries persisted with one sync")
                .register(registry);
    }

    static <T> void gauge(MeterRegistry registry, String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    void leaderChanged() {
        leaderChanges.increment();
    }

    void proposal(long nanos) {
        proposalLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void fsync(long nanos) {
        fsyncLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void appendBatch(int entries) {
        appendBatch.record(entries);
    }
}
