package dev.quorumcommit.consensus.web;

/** Example problem bodies for the OpenAPI document, shared by the routes. */
public final class ProblemDocs {

    public static final String PROBLEM_JSON = "application/problem+json";

    public static final String BAD_REQUEST = """
            {"type": "about:blank", "title": "Invalid request", "status": 400,
             "detail": "'limit' must be from 1 to 1000 (was 5000)", "instance": "/api/log"}""";
    public static final String TOO_LARGE = """
            {"type": "about:blank", "title": "Content Too Large", "status": 413,
             "detail": "The payload is 1048577 bytes of JSON; at most 1 MiB (1048576 bytes) is accepted. Nothing was changed."}""";
    public static final String UNAVAILABLE = """
            {"type": "about:blank", "title": "No leader available", "status": 503,
             "detail": "No leader with a quorum answered within 5.0 s (no leader is known). Retry later; a write retried with the same Idempotency-Key is applied at most once."}""";
    public static final String GONE = """
            {"type": "about:blank", "title": "Compacted away", "status": 410,
             "detail": "Index 3 was compacted away; the first index still kept is 15. Read from 15 on.", "firstIndex": 15}""";

    private ProblemDocs() {
    }
}
