package dev.quorumcommit.consensus.node;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;

/**
 * Puts the {@link LocalConsensusNode} in front of the Raft-backed node for web tests, which need to
 * steer leadership at will; the real node is exercised by the cluster tests over real processes.
 */
@TestConfiguration(proxyBeanMethods = false)
public class LocalNodeConfiguration {

    @Bean
    @Primary
    LocalConsensusNode localConsensusNode(ReplicatedStateMachine stateMachine, ConsensusProperties properties) {
        return new LocalConsensusNode(stateMachine, properties);
    }
}
