package dev.quorumcommit.twopc.coordinator;

import dev.quorumcommit.twopc.Vote;

/** What the coordinator knows of one participant: its vote (null until it answered) and whether it acknowledged the decision. */
public record ParticipantRecord(String name, Vote vote, String reason, boolean acknowledged) {
}
