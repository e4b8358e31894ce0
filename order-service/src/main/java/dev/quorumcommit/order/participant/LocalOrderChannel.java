package dev.quorumcommit.order.participant;

import org.springframework.stereotype.Component;

import dev.quorumcommit.twopc.coordinator.ParticipantChannel;

/** The coordinator's channel to the order participant: a method call, in the same process. */
@Component
class LocalOrderChannel implements ParticipantChannel {

    private final OrderParticipant participant;

    LocalOrderChannel(OrderParticipant participant) {
        this.participant = participant;
    }

    @Override
    public String name() {
        return OrderParticipant.NAME;
    }

    @Override
    public void commit(String txId) {
        participant.commit(txId);
    }

    @Override
    public void abort(String txId) {
        participant.abort(txId);
    }
}
