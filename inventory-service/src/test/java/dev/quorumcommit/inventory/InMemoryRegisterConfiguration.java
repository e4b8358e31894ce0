package dev.quorumcommit.inventory;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.InMemoryDecisionRegister;

/** The consensus cluster is not part of these tests: decisions go to the register's in-memory twin. */
@TestConfiguration(proxyBeanMethods = false)
public class InMemoryRegisterConfiguration {

    @Bean
    @Primary
    InMemoryDecisionRegister inMemoryDecisionRegister() {
        return new InMemoryDecisionRegister();
    }
}
