package dev.quorumcommit.order.system;

import java.time.Clock;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.quorumcommit.twopc.consensus.ConsensusConfiguration;
import dev.quorumcommit.twopc.local.DurableCommitsConfiguration;

/**
 * The clock (a bean so tests can fix it), the consensus client with its health indicator, the transaction manager
 * that syncs each commit to the disk, and the OpenAPI title.
 */
@Configuration(proxyBeanMethods = false)
@Import({ConsensusConfiguration.class, DurableCommitsConfiguration.class})
class SystemConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    OpenAPI openApi() {
        return new OpenAPI().info(new Info().title("Quorum Commit: order-service").version("0.1.0")
                .description("Routes tagged 'internal' belong to the two-phase commit between the services."));
    }
}
