package dev.quorumcommit.twopc.consensus;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the consensus nodes are ({@code --consensus.urls=http://127.0.0.1:9001,...}) and how long
 * one attempt on one node may take. How often to retry is Resilience4j's
 * {@code resilience4j.retry.configs.consensus}. Decisions are written in batches, at most
 * {@code writes-in-flight} requests at once: the fewer, the more decisions each carries under load. Writing a
 * decision waits at most {@code decision-wait} for the cluster (the retries alone may take several times as long
 * when no node answers); then the decision is unknown to the caller, which leaves it to recovery.
 */
@Validated
@ConfigurationProperties("consensus")
public record ConsensusProperties(
        @NotEmpty @DefaultValue({"http://127.0.0.1:9001", "http://127.0.0.1:9002", "http://127.0.0.1:9003"}) List<URI> urls,
        @NotNull @DefaultValue("2s") Duration requestTimeout,
        @Min(1) @DefaultValue("1") int writesInFlight,
        @NotNull @DefaultValue("5s") Duration decisionWait) {
}
