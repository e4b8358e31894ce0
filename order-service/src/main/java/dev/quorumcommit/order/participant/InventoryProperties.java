package dev.quorumcommit.order.participant;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where inventory-service is ({@code --inventory.url}), how long one call to it may take, and how many
 * batched requests (of prepares, and of decisions) may be under way at once: the fewer, the more calls
 * each carries under load.
 */
@Validated
@ConfigurationProperties("inventory")
record InventoryProperties(@NotNull @DefaultValue("http://127.0.0.1:8082") URI url,
        @NotNull @DefaultValue("1s") Duration connectTimeout, @NotNull @DefaultValue("3s") Duration readTimeout,
        @Min(1) @DefaultValue("1") int requestsInFlight) {
}
