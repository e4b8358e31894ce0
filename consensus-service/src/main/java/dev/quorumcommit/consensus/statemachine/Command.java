package dev.quorumcommit.consensus.statemachine;

import java.util.List;
import java.util.Objects;

/**
 * What a client asks the replicated state machine to do; the bytes of a COMMAND log entry
 * ({@link CommandCodec}).
 *
 * <p>Every command carries {@code proposedAtMillis}, the leader's time when it proposed it (not its wall
 * clock: the node's {@code ProposalClock}, which runs from the state machine's own clock). It is the only
 * clock the state machine ever looks at (to expire idempotency keys), so that every replica, applying the
 * same entries, reaches the same state. JSON values ({@code payload},
 * {@code value}) are raw JSON text, kept exactly as the client wrote them.
 */
public sealed interface Command {

    /** Optional; a retry with the same key (and the same kind of request) returns the first answer. */
    String idempotencyKey();

    long proposedAtMillis();

    /** The same command, stamped with another proposal time: the leader may stamp its own clock. */
    Command withProposedAt(long millis);

    /** Appends {@code payload} to the application's log. */
    record AppendLog(String payload, String idempotencyKey, long proposedAtMillis) implements Command {
        public AppendLog {
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public AppendLog withProposedAt(long millis) {
            return new AppendLog(payload, idempotencyKey, millis);
        }
    }

    /**
     * Writes {@code value} under {@code key}, if the conditions hold: {@code expectedRevision} (when
     * not null) must be the key's current revision, {@code ifAbsent} requires that the key is absent.
     */
    record Put(String key, String value, Long expectedRevision, boolean ifAbsent, String idempotencyKey,
               long proposedAtMillis) implements Command {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Put withProposedAt(long millis) {
            return new Put(key, value, expectedRevision, ifAbsent, idempotencyKey, millis);
        }
    }

    /**
     * Several {@link Put}s in one log entry, applied in their order, each under its own condition: one that
     * fails leaves the others alone. All that write share one revision, the entry's index. It exists so that a
     * client with many independent writes at once (the 2PC coordinator's decisions, one key per transaction)
     * pays for one request and one entry instead of one each. The puts carry no idempotency key or time of
     * their own; the batch's are the ones that count.
     */
    record PutBatch(List<Put> puts, String idempotencyKey, long proposedAtMillis) implements Command {
        public PutBatch {
            puts = List.copyOf(puts);
            if (puts.isEmpty()) {
                throw new IllegalArgumentException("a batch needs at least one put");
            }
        }

        @Override
        public PutBatch withProposedAt(long millis) {
            return new PutBatch(puts, idempotencyKey, millis);
        }
    }

    /** Removes {@code key}, if {@code expectedRevision} (when not null) is its current revision. */
    record Delete(String key, Long expectedRevision, String idempotencyKey, long proposedAtMillis) implements Command {
        public Delete {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Delete withProposedAt(long millis) {
            return new Delete(key, expectedRevision, idempotencyKey, millis);
        }
    }

    /**
     * Removes each of {@code keys} that is there, in one log entry: what {@link PutBatch} is to puts, for a client
     * that forgets many keys at once (the 2PC coordinator, the decisions of finished transactions). Unconditional,
     * so a key already gone is simply reported absent, and running the batch again changes nothing.
     */
    record DeleteBatch(List<String> keys, String idempotencyKey, long proposedAtMillis) implements Command {
        public DeleteBatch {
            keys = List.copyOf(keys);
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("a batch needs at least one key");
            }
        }

        @Override
        public DeleteBatch withProposedAt(long millis) {
            return new DeleteBatch(keys, idempotencyKey, millis);
        }
    }

    /**
     * The idempotency table's key: the client's key scoped by what it was used for, so that the
     * same key on a log append and on a key-value write are two different requests.
     */
    static String idempotencyScope(Command command) {
        return switch (command) {
            case AppendLog a -> "log\u0000" + a.idempotencyKey();
            case Put p -> "put\u0000" + p.key() + "\u0000" + p.idempotencyKey();
            case Delete d -> "delete\u0000" + d.key() + "\u0000" + d.idempotencyKey();
            case PutBatch b -> "batch\u0000" + b.idempotencyKey();
            case DeleteBatch b -> "deletes\u0000" + b.idempotencyKey();
        };
    }
}
