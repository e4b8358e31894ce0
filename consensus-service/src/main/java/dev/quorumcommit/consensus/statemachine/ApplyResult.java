package dev.quorumcommit.consensus.statemachine;

import java.util.List;

/**
 * What applying one log entry answered. Deterministic: every replica computes the same result for
 * the same entry, so the leader can answer the client with its own.
 */
public sealed interface ApplyResult {

    /** An {@link Command.AppendLog} took its place in the log. */
    record LogAppended(long index, long term) implements ApplyResult {
    }

    /** A {@link Command.Put} wrote; {@code entry.revision()} is the index of its log entry. */
    record KvWritten(KvEntry entry) implements ApplyResult {
    }

    /** A condition failed; {@code current} is the key's entry then, or null when it was absent. Nothing changed. */
    record KvConflict(String key, KvEntry current) implements ApplyResult {
    }

    /**
     * A {@link Command.PutBatch}: for each of its puts in order, {@link KvWritten} or {@link KvConflict}. A
     * {@link Command.DeleteBatch}: for each of its keys in order, {@link Deleted} or {@link NotFound}.
     */
    record KvBatchApplied(List<ApplyResult> results) implements ApplyResult {
        public KvBatchApplied {
            results = List.copyOf(results);
        }
    }

    /** A {@link Command.Delete} removed the key, at log index {@code revision}. */
    record Deleted(String key, long revision) implements ApplyResult {
    }

    /** A {@link Command.Delete} found no such key. Nothing changed. */
    record NotFound(String key) implements ApplyResult {
    }

    /**
     * The idempotency key was seen before: this is the first answer, and this entry changed nothing. The key alone
     * names the request (the contract's rule), so a request that reuses it for another payload, value, condition or
     * list of keys gets the first answer too; {@code sameRequest} is false then (or when the first was answered by a
     * version that kept no fingerprints), so that the node can log it as the client's mistake.
     */
    record DuplicateOf(ApplyResult first, boolean sameRequest) implements ApplyResult {
    }

    /** A leader's no-op entry, or one that carried no command. */
    record NoOp(long index) implements ApplyResult {
    }

    /** The entry's bytes were not a command this version understands; every replica skips it alike. */
    record Rejected(long index, String reason) implements ApplyResult {
    }

    /** The answer without the {@link DuplicateOf} wrapper. */
    default ApplyResult unwrap() {
        return this instanceof DuplicateOf d ? d.first() : this;
    }
}
