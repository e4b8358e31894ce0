package dev.quorumcommit.consensus.raft;

/**
 * This node cannot take the request: it is not the leader, or it is handing leadership over.
 *
 * @param leaderId where to retry, when known (the transfer target during a transfer); else {@code null}
 */
public record NotLeader(String leaderId) implements ProposeResult, ReadIndexResult {
}
