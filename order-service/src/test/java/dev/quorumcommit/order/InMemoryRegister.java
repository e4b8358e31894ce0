package dev.quorumcommit.order;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.quorumcommit.twopc.InMemoryDecisionRegister;

/** For tests of order-service alone: decisions kept in memory instead of in a consensus cluster. */
@TestConfiguration(proxyBeanMethods = false)
public class InMemoryRegister {

    @Bean
    @Primary
    InMemoryDecisionRegister inMemoryDecisionRegister() {
        return new InMemoryDecisionRegister();
    }
}
