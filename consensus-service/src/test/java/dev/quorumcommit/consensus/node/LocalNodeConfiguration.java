package dev.quorumcommit.consensus.node;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;

/**
 * Supplies the {@link LocalConsensusNode} in place of the Raft-backed node (switched off with
 * {@code consensus.raft.enabled=false}) for web tests, which need to steer leadership at will; the
 * real node is exercised by the cluster tests over real processes.
 */
@TestConfiguration(proxyBeanMethods = false)
public class LocalNodeConfiguration {

    @Bean
    LocalConsensusNode localConsensusNode(ReplicatedStateMachine stateMachine, ConsensusProperties properties) {
        return new LocalConsensusNode(stateMachine, properties);
    }
}
