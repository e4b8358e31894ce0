package dev.quorumcommit.twopc.coordinator;

/**
 * How the coordinator tells a participant the decision. Both calls are idempotent on the
 * participant's side (its barrier), which is what makes retrying them until acknowledged safe.
 * Returning normally is the acknowledgement; throwing means "try again later".
 */
public interface ParticipantChannel {

    String name();

    void commit(String txId);

    void abort(String txId);
}
