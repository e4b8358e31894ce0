package dev.quorumcommit.twopc.consensus;

import java.util.concurrent.Executors;

import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.http.PooledHttp;

/** What a service imports to talk to the cluster: the client, the decision register and the health indicator. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsensusProperties.class)
public class ConsensusConfiguration {

    @Bean
    ConsensusClient consensusClient(ConsensusProperties properties, RestClient.Builder builder, RetryRegistry retries) {
        var factory = PooledHttp.requestFactory(properties.requestTimeout(), properties.requestTimeout());
        RetryConfig base = retries.getConfiguration("consensus").orElseGet(retries::getDefaultConfig);
        return new ConsensusClient(properties.urls(), builder.clone().requestFactory(factory).build(),
                retries.retry("consensus", ConsensusRetries.honouringRetryAfter(base)));
    }

    @Bean
    DecisionRegister decisionRegister(ConsensusClient client, ConsensusProperties properties) {
        return new ConsensusDecisionRegister(client, properties.writesInFlight(), properties.decisionWait(),
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("consensus-writes-", 0).factory()));
    }

    @Bean
    ConsensusHealthIndicator consensusHealthIndicator(ConsensusClient client) {
        return new ConsensusHealthIndicator(client);
    }
}
