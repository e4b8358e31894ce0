package dev.quorumcommit.consensus.node;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;
import dev.quorumcommit.consensus.statemachine.StateMachineSettings;

/** The node's one state machine, for the driver to apply to and the {@link ConsensusNode} to hand out. */
@Configuration(proxyBeanMethods = false)
class StateMachineConfiguration {

    @Bean
    ReplicatedStateMachine replicatedStateMachine(ConsensusProperties consensus, IdempotencyProperties idempotency) {
        return new ReplicatedStateMachine(new StateMachineSettings(consensus.retainedEntries(),
                idempotency.retention(), idempotency.maxKeys()));
    }
}
