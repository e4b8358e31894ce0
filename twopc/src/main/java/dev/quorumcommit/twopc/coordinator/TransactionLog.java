package dev.quorumcommit.twopc.coordinator;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.VoteReply;

/**
 * The coordinator's durable memory, implemented by the service that hosts it (order-service
 * with JPA). Each method must be durable when it returns: recovery after a crash reads only this.
 */
public interface TransactionLog {

    /** Written before the first prepare, so that a crash during prepare leaves a trace recovery can finish. */
    void begin(String txId, List<String> participants, Instant startedAt);

    void recordVote(String txId, String participant, VoteReply vote);

    void recordDecision(String txId, Decision decision, Instant decidedAt);

    void recordAcknowledged(String txId, String participant);

    Optional<TxRecord> find(String txId);

    /** Every transaction not yet {@link TxRecord#finished() finished}. */
    List<TxRecord> unfinished();
}
