package dev.quorumcommit.consensus.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.quorumcommit.consensus.web.ApiTestSupport;

@ExtendWith(OutputCaptureExtension.class)
class LogApiTest extends ApiTestSupport {

    @Test
    void anAppendAnswers201WithItsIndexAndTermAndIsReadableExactlyAsSent() {
        String payload = "{\"amount\":12.50,\"big\":123456789012345678901234567890,\"e\":1E+2,\"s\":\"é\\n\",\"n\":null,\"a\":[true,false]}";
        Answer answer = send("POST", "/api/log", "{\"payload\": " + payload + "}");
        assertThat(answer.status()).isEqualTo(201);
        long index = answer.json().get("index").asLong();
        assertThat(answer.json().get("term").asLong()).isEqualTo(1);
        assertThat(answer.header("Location")).contains("/api/log/" + index);

        Answer read = get("/api/log/" + index);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("{\"index\":" + index + ",\"term\":1,\"payload\":" + payload + "}");
    }

    @Test
    void anyJsonValueIsAPayloadNullIncluded() {
        for (String payload : new String[] {"null", "\"text\"", "-0.0", "[]", "{}", "true"}) {
            Answer answer = send("POST", "/api/log", "{\"payload\":" + payload + "}");
            assertThat(answer.status()).as(payload).isEqualTo(201);
            assertThat(get("/api/log/" + answer.json().get("index").asLong()).json().get("payload").toString()).isEqualTo(payload);
        }
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheFirstAnswerAndAppendsNothing(CapturedOutput output) {
        Answer first = send("POST", "/api/log", "{\"payload\":1}", "Idempotency-Key", "log-retry-1");
        long applied = lastApplied();
        Answer retry = send("POST", "/api/log", "{\"payload\":1}", "Idempotency-Key", "log-retry-1");
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(output).doesNotContain("Idempotency-Key 'log-retry-1'");
        // The key alone names the request: another payload under it gets the first answer too, and is logged.
        Answer reused = send("POST", "/api/log", "{\"payload\":2}", "Idempotency-Key", "log-retry-1");
        assertThat(reused.status()).isEqualTo(201);
        assertThat(reused.json()).isEqualTo(first.json());
        assertThat(output).contains("Idempotency-Key 'log-retry-1' was first used for another request");
        assertThat(get("/api/log/" + first.json().get("index").asLong()).json().get("payload").asInt()).isEqualTo(1);
        // The retries took indexes of their own in the Raft log, but appended nothing to the application's log.
        assertThat(get("/api/log?from=" + (applied + 1)).json().get("entries")).isEmpty();
    }

    @Test
    void badRequestsAre400ProblemsAndChangeNothing() {
        long before = lastApplied();
        String[][] cases = {
                {"{\"payload\": ", "not valid JSON"},
                {"{}", "'payload' is required"},
                {"[1]", "not valid JSON of the expected shape"},
                {"", "not valid JSON of the expected shape: there is none"},
                {"null", "not valid JSON of the expected shape: there is none"},
                {"{\"payload\": 1, \"payload\": }", "not valid JSON"},
                {"{\"payload\": {\"note\": \"\\ud800\"}}", "'payload': a string holds a lone UTF-16 surrogate"},
        };
        for (String[] bad : cases) {
            Answer answer = send("POST", "/api/log", bad[0]);
            assertThat(answer.status()).as(bad[0]).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("detail").asString()).as(bad[0]).contains(bad[1]);
        }
        Answer badKey = send("POST", "/api/log", "{\"payload\":1}", "Idempotency-Key", "has space");
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.json().get("detail").asString()).contains("Idempotency-Key").contains("visible ASCII");
        Answer notJson = send("POST", "/api/log", "payload=1", "Content-Type", "text/plain");
        assertThat(notJson.status()).isEqualTo(415);
        assertThat(lastApplied()).isEqualTo(before);
    }

    @Test
    void pagingIsValidatedStrictly() {
        String[][] cases = {
                {"from=0", "'from' must be at least 1"},
                {"limit=0", "'limit' must be from 1 to 1000"},
                {"limit=1001", "'limit' must be from 1 to 1000"},
                {"limit=abc", "'limit' must be a whole number"},
                {"limit=1.5", "'limit' must be a whole number"},
                {"from=x", "'from' must be a whole number"},
                {"from=", "'from' must be a whole number"},
                {"limit=", "'limit' must be a whole number"},
                {"limit=%20", "'limit' must be a whole number"},
                {"limit=1&limit=x", "'limit' must be a whole number (was '1, x')"},
        };
        for (String[] bad : cases) {
            Answer answer = get("/api/log?" + bad[0]);
            assertThat(answer.status()).as(bad[0]).isEqualTo(400);
            assertThat(answer.json().get("detail").asString()).as(bad[0]).contains(bad[1]);
        }
        assertThat(get("/api/log/0").status()).isEqualTo(400);
        assertThat(get("/api/log/abc").status()).isEqualTo(400);
    }

    @Test
    void aPageListsCommittedEntriesInOrderWithTheBounds() {
        long from = lastApplied() + 1;
        for (int i = 0; i < 5; i++) {
            send("POST", "/api/log", "{\"payload\":" + i + "}");
        }
        node.appendNoop();
        Answer page = get("/api/log?from=" + from + "&limit=3");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().get("entries")).hasSize(3);
        assertThat(page.json().get("entries").get(0).get("index").asLong()).isEqualTo(from);
        assertThat(page.json().get("entries").get(2).get("payload").asInt()).isEqualTo(2);
        assertThat(page.json().get("firstIndex").asLong()).isLessThanOrEqualTo(from);
        assertThat(page.json().get("commitIndex").asLong()).isEqualTo(lastApplied());

        Answer noop = get("/api/log/" + lastApplied());
        assertThat(noop.status()).isEqualTo(404);
        assertThat(noop.json().get("detail").asString()).contains("holds no log entry");
        Answer future = get("/api/log/" + (lastApplied() + 1));
        assertThat(future.status()).isEqualTo(404);
        assertThat(future.json().get("detail").asString()).contains("not committed yet");
        assertThat(get("/api/log?from=" + (lastApplied() + 10)).json().get("entries")).isEmpty();
    }

    @Test
    void compactedIndexesAnswer410() {
        send("POST", "/api/log", "{\"payload\":\"old\"}");
        send("POST", "/api/log", "{\"payload\":\"kept\"}");
        long firstKept = lastApplied();
        node.stateMachine().compactLogBefore(firstKept);
        Answer page = get("/api/log?from=1");
        assertThat(page.status()).isEqualTo(410);
        assertThat(page.json().get("firstIndex").asLong()).isEqualTo(firstKept);
        assertThat(page.json().get("detail").asString()).contains("first index still kept is " + firstKept);
        assertThat(get("/api/log/" + (firstKept - 1)).status()).isEqualTo(410);
        assertThat(get("/api/log/" + firstKept).status()).isEqualTo(200);
        assertThat(get("/api/log").json().get("entries").get(0).get("index").asLong()).isEqualTo(firstKept);
    }
}
