/**
 * The Raft core: a deterministic state machine in the style of etcd's raft package, with no I/O,
 * threads, clock or randomness of its own (an architecture test keeps it so).
 *
 * <p>A driver owns one {@link dev.quorumcommit.consensus.raft.RaftNode}, built from a
 * {@link dev.quorumcommit.consensus.raft.RaftConfig} and the durable state (hard state, latest
 * snapshot, entries after it). On a single thread it calls {@code tick()} on a timer,
 * {@code step(message)} for each message from a peer, {@code propose}, {@code readIndex} and
 * {@code transferLeadership} for clients, and whenever {@code hasReady()} carries out
 * {@code ready()} as {@link dev.quorumcommit.consensus.raft.Ready} describes, then calls
 * {@code advance}. When its state machine takes a snapshot it hands it in with
 * {@code snapshotTaken} and may then {@code compact} the in-memory log up to it.
 *
 * <p>De-duplicating retried client requests, timing out reads and proposals that leadership loss
 * dropped, and forwarding to the leader are the driver's business: the core says who the leader is.
 */
package dev.quorumcommit.consensus.raft;
