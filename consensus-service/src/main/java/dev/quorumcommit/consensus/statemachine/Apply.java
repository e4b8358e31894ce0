package dev.quorumcommit.consensus.statemachine;

import dev.quorumcommit.consensus.raft.Entry;

/** The meaning of each command, applied to a {@link State} under the caller's write lock. */
final class Apply {

    static ApplyResult command(State state, Entry entry) {
        Command command;
        try {
            command = CommandCodec.decode(entry.command());
        } catch (IllegalArgumentException e) {
            return new ApplyResult.Rejected(entry.index(), e.getMessage());
        }
        state.idempotency.advanceClock(command.proposedAtMillis());
        String scope = command.idempotencyKey() == null ? null : Command.idempotencyScope(command);
        long fingerprint = scope == null ? 0 : CommandCodec.fingerprint(entry.command());
        if (scope != null) {
            ApplyResult earlier = state.idempotency.answerTo(scope, fingerprint);
            if (earlier != null) {
                return earlier;
            }
        }
        ApplyResult result = switch (command) {
            case Command.AppendLog append -> {
                state.log.append(entry.index(), entry.term(), append.payload());
                yield new ApplyResult.LogAppended(entry.index(), entry.term());
            }
            case Command.Put put -> put(state, put, entry.index());
            case Command.Delete delete -> delete(state, delete, entry.index());
            case Command.PutBatch batch -> new ApplyResult.KvBatchApplied(
                    batch.puts().stream().map(put -> put(state, put, entry.index())).toList());
            case Command.DeleteBatch batch -> new ApplyResult.KvBatchApplied(batch.keys().stream()
                    .map(key -> delete(state, new Command.Delete(key, null, null, 0), entry.index())).toList());
        };
        if (scope != null) {
            state.idempotency.remember(scope, result, fingerprint, command.proposedAtMillis());
        }
        return result;
    }

    private static ApplyResult put(State state, Command.Put put, long index) {
        KvEntry current = state.kv.get(put.key());
        boolean conflict = put.ifAbsent() && current != null
                || put.expectedRevision() != null && (current == null || current.revision() != put.expectedRevision());
        if (conflict) {
            return new ApplyResult.KvConflict(put.key(), current);
        }
        KvEntry written = new KvEntry(put.key(), put.value(), index);
        state.kv.put(put.key(), written);
        return new ApplyResult.KvWritten(written);
    }

    private static ApplyResult delete(State state, Command.Delete delete, long index) {
        KvEntry current = state.kv.get(delete.key());
        if (current == null) {
            return new ApplyResult.NotFound(delete.key());
        }
        if (delete.expectedRevision() != null && current.revision() != delete.expectedRevision()) {
            return new ApplyResult.KvConflict(delete.key(), current);
        }
        state.kv.remove(delete.key());
        return new ApplyResult.Deleted(delete.key(), index);
    }

    private Apply() {
    }
}
