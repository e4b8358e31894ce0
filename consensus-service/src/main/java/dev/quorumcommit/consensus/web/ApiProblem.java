package dev.quorumcommit.consensus.web;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The problems the API answers, as exceptions that Spring renders as RFC 9457 bodies (with their
 * headers, such as {@code Retry-After}). Each detail says what to do next.
 */
public final class ApiProblem {

    /** Seconds a client should wait before retrying a 503: about one election. */
    static final long RETRY_AFTER_SECONDS = 1;

    public static ErrorResponseException of(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return new ErrorResponseException(status, problem, null);
    }

    public static ErrorResponseException badRequest(String detail) {
        return of(HttpStatus.BAD_REQUEST, "Invalid request", detail);
    }

    public static ErrorResponseException notFound(String detail) {
        return of(HttpStatus.NOT_FOUND, "Not found", detail);
    }

    public static ErrorResponseException gone(long firstIndex, String detail) {
        ErrorResponseException gone = of(HttpStatus.GONE, "Compacted away", detail);
        gone.getBody().setProperty("firstIndex", firstIndex);
        return gone;
    }

    public static ErrorResponseException tooLarge(String what, int bytes) {
        return of(HttpStatus.CONTENT_TOO_LARGE, "Content Too Large", "The " + what + " is " + bytes
                + " bytes of JSON; at most 1 MiB (" + RawJson.MAX_BYTES + " bytes) is accepted. Nothing was changed.");
    }

    /** 503 with {@code Retry-After}: no leader with a quorum could answer in time. */
    public static ErrorResponseException unavailable(String detail) {
        return unavailable("No leader available", detail);
    }

    public static ErrorResponseException unavailable(String title, String detail) {
        ErrorResponseException unavailable = of(HttpStatus.SERVICE_UNAVAILABLE, title, detail);
        unavailable.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
        return unavailable;
    }

    static String seconds(Duration duration) {
        return duration.toMillis() / 1000.0 + " s";
    }

    private ApiProblem() {
    }
}
