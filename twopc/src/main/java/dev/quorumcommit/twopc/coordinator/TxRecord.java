package dev.quorumcommit.twopc.coordinator;

import java.time.Instant;
import java.util.List;

import dev.quorumcommit.twopc.Decision;

/** The coordinator's durable record of one transaction. */
public record TxRecord(String txId, List<ParticipantRecord> participants, Decision decision,
        Instant startedAt, Instant decidedAt) {

    public TxRecord {
        participants = List.copyOf(participants);
    }

    /** Nothing may be forgotten until this is true: decided, and every participant acknowledged. */
    public boolean finished() {
        return decision != null && participants.stream().allMatch(ParticipantRecord::acknowledged);
    }
}
