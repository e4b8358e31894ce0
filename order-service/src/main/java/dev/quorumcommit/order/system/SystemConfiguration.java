package dev.quorumcommit.order.system;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.quorumcommit.twopc.consensus.ConsensusConfiguration;
import dev.quorumcommit.twopc.local.H2FileCompaction;

/** The clock (a bean so tests can fix it), the consensus client with its health indicator, and the OpenAPI title. */
@Configuration(proxyBeanMethods = false)
@Import(ConsensusConfiguration.class)
class SystemConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** With WRITE_DELAY 0 (application.yml) H2 itself never compacts its file: see {@link H2FileCompaction}. */
    @Bean
    H2FileCompaction h2FileCompaction(DataSource dataSource) {
        return H2FileCompaction.every(Duration.ofSeconds(1), dataSource);
    }

    @Bean
    OpenAPI openApi() {
        return new OpenAPI().info(new Info().title("Quorum Commit: order-service").version("0.1.0")
                .description("Routes tagged 'internal' belong to the two-phase commit between the services."));
    }
}
