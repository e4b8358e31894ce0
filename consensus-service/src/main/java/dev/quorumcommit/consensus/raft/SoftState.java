package dev.quorumcommit.consensus.raft;

/** What a node is right now, for monitoring only: nothing of it needs to survive a restart. */
public record SoftState(Role role, String leaderId, long term) {
}
