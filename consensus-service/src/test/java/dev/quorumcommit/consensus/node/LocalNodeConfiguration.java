package dev.quorumcommit.consensus.node;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;

/** Supplies the {@link LocalConsensusNode} where the Raft-backed node will be, for web tests. */
@TestConfiguration(proxyBeanMethods = false)
public class LocalNodeConfiguration {

    @Bean
    LocalConsensusNode localConsensusNode(ReplicatedStateMachine stateMachine, ConsensusProperties properties) {
        return new LocalConsensusNode(stateMachine, properties);
    }
}
