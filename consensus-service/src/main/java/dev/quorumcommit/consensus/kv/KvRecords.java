package dev.quorumcommit.consensus.kv;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import dev.quorumcommit.consensus.statemachine.KvEntry;
import dev.quorumcommit.consensus.web.ApiProblem;
import dev.quorumcommit.consensus.web.RawJson;
import dev.quorumcommit.consensus.web.Requests;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The request and answer bodies of the key-value routes, and their 409 problem. */
final class KvRecords {

    @Schema(description = "A value to write, and the condition for writing it",
            example = "{\"value\": {\"decision\": \"COMMIT\"}, \"ifAbsent\": true}")
    record PutRequest(
            @Schema(description = "Any JSON value, at most 1 MiB; kept exactly as sent", types = {"object", "array", "string", "number", "boolean", "null"})
            @NotNull(message = "is required: any JSON value, null included") RawJson value,
            @Schema(description = "Write only if the key's current revision is this one", example = "17")
            @Min(value = 1, message = "must be a revision, at least 1") Long expectedRevision,
            @Schema(description = "Write only if the key is absent") Boolean ifAbsent) {
    }

    @Schema(example = "{\"key\": \"tx:42:decision\", \"value\": {\"decision\": \"COMMIT\"}, \"revision\": 17}")
    record KvAnswer(String key, @Schema(description = "The JSON value written", types = {"object", "array", "string", "number", "boolean", "null"}) RawJson value,
                    @Schema(description = "The log index of the write that set this value") long revision) {

        static KvAnswer of(KvEntry entry) {
            return new KvAnswer(entry.key(), new RawJson(entry.value()), entry.revision());
        }
    }

    @Schema(description = "Independent conditional writes, applied in order as one log entry",
            example = "{\"puts\": [{\"key\": \"tx:42:decision\", \"value\": \"COMMIT\", \"ifAbsent\": true},"
                    + " {\"key\": \"tx:43:decision\", \"value\": \"ABORT\", \"ifAbsent\": true}]}")
    record BatchRequest(
            @Schema(description = "1 to " + MAX_BATCH + " writes; their values together at most 1 MiB")
            @NotNull(message = "is required: a list of writes")
            @Size(min = 1, max = MAX_BATCH, message = "must hold 1 to " + MAX_BATCH + " writes")
            List<@NotNull(message = "must be a write, not null") @Valid BatchPut> puts) {
    }

    @Schema(description = "One write of a batch: a PUT /api/kv/{key} body with its key")
    record BatchPut(
            @Schema(example = "tx:42:decision")
            @NotNull(message = "is required")
            @Pattern(regexp = Requests.KEY_PATTERN, message = Requests.KEY_RULE) String key,
            @Schema(description = "Any JSON value; kept exactly as sent", types = {"object", "array", "string", "number", "boolean", "null"})
            @NotNull(message = "is required: any JSON value, null included") RawJson value,
            @Min(value = 1, message = "must be a revision, at least 1") Long expectedRevision,
            Boolean ifAbsent) {
    }

    @Schema(description = "One answer per write, in the order of the request")
    record BatchAnswer(List<BatchResult> results) {
    }

    @Schema(description = "Whether this write happened, and the key's entry after it: the one written, or the one that"
            + " made the condition fail (value and revision null when the key is absent)")
    record BatchResult(String key, boolean written,
                       @Schema(types = {"object", "array", "string", "number", "boolean", "null"}) RawJson value,
                       Long revision) {

        static BatchResult written(KvEntry entry) {
            return new BatchResult(entry.key(), true, new RawJson(entry.value()), entry.revision());
        }

        static BatchResult refused(String key, KvEntry current) {
            return current == null ? new BatchResult(key, false, null, null)
                    : new BatchResult(key, false, new RawJson(current.value()), current.revision());
        }
    }

    @Schema(description = "Keys to delete, unconditionally, as one log entry",
            example = "{\"keys\": [\"tx:42:decision\", \"tx:43:decision\"]}")
    record DeleteBatchRequest(
            @Schema(description = "1 to " + MAX_BATCH + " keys")
            @NotNull(message = "is required: a list of keys")
            @Size(min = 1, max = MAX_BATCH, message = "must hold 1 to " + MAX_BATCH + " keys")
            List<@NotNull(message = "must be a key, not null")
                 @Pattern(regexp = Requests.KEY_PATTERN, message = Requests.KEY_RULE) String> keys) {
    }

    @Schema(description = "One answer per key, in the order of the request")
    record DeleteBatchAnswer(List<DeleteResult> results) {
    }

    @Schema(description = "Whether this key was there and is now deleted (false: it was already absent)")
    record DeleteResult(String key, boolean deleted) {
    }

    /** The most writes one batch may carry: enough for every decision in flight, small enough to apply at once. */
    static final int MAX_BATCH = 1000;

    static final String CONFLICT_EXAMPLE = """
            {"type": "about:blank", "title": "Condition failed", "status": 409,
             "detail": "The key 'tx:42:decision' exists (revision 17), but the write asked for it to be absent. Nothing was changed.",
             "key": "tx:42:decision", "value": {"decision": "ABORT"}, "revision": 17, "exists": true}""";

    /** 409, carrying the key's current {@code key}, {@code value}, {@code revision} (null when absent) and {@code exists}. */
    static ErrorResponseException conflict(String key, KvEntry current, String expectation) {
        String state = current == null ? "is absent" : "exists (revision " + current.revision() + ")";
        ErrorResponseException conflict = ApiProblem.of(HttpStatus.CONFLICT, "Condition failed",
                "The key '" + key + "' " + state + ", but the request " + expectation + ". Nothing was changed.");
        conflict.getBody().setProperty("key", key);
        conflict.getBody().setProperty("value", current == null ? null : new RawJson(current.value()));
        conflict.getBody().setProperty("revision", current == null ? null : current.revision());
        conflict.getBody().setProperty("exists", current != null);
        return conflict;
    }

    private KvRecords() {
    }
}
