package dev.quorumcommit.consensus.raft;

/** A node's role (Raft paper, 5.1), plus the pre-vote phase of the thesis (9.6). */
public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }
