package dev.quorumcommit.consensus.node;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class NodeConfiguration {

    @Bean
    NodeDataDirectory nodeDataDirectory(ConsensusProperties properties) {
        return NodeDataDirectory.prepare(properties);
    }
}
