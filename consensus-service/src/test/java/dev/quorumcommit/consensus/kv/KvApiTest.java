package dev.quorumcommit.consensus.kv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.quorumcommit.consensus.web.ApiTestSupport;
import tools.jackson.databind.JsonNode;

class KvApiTest extends ApiTestSupport {

    private Answer put(String key, String body, String... headers) {
        return send("PUT", "/api/kv/" + key, body, headers);
    }

    @Test
    void aPutAnswersTheValueAndTheRevisionItWroteAt() {
        Answer written = put("kv-1", "{\"value\": {\"n\": 1.10, \"big\": 98765432109876543210}}");
        assertThat(written.status()).isEqualTo(200);
        assertThat(written.body()).isEqualTo("{\"key\":\"kv-1\",\"value\":{\"n\":1.10,\"big\":98765432109876543210},\"revision\":"
                + lastApplied() + "}");
        assertThat(get("/api/kv/kv-1").body()).isEqualTo(written.body());
        assertThat(get("/api/kv/kv-1?consistency=stale").body()).isEqualTo(written.body());
    }

    @Test
    void compareAndSetWritesOnlyAtTheExpectedRevisionElse409WithTheCurrentValue() {
        long revision = put("kv-cas", "{\"value\": \"a\"}").json().get("revision").asLong();
        Answer next = put("kv-cas", "{\"value\": \"b\", \"expectedRevision\": " + revision + "}");
        assertThat(next.status()).isEqualTo(200);
        long current = next.json().get("revision").asLong();

        long before = lastApplied();
        Answer stale = put("kv-cas", "{\"value\": \"c\", \"expectedRevision\": " + revision + "}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        JsonNode problem = stale.json();
        assertThat(problem.get("key").asString()).isEqualTo("kv-cas");
        assertThat(problem.get("value").asString()).isEqualTo("b");
        assertThat(problem.get("revision").asLong()).isEqualTo(current);
        assertThat(problem.get("detail").asString()).contains("expected revision " + revision);
        assertThat(get("/api/kv/kv-cas").json().get("value").asString()).isEqualTo("b");
        assertThat(lastApplied()).isEqualTo(before + 1); // the failed write took an index, and changed nothing

        Answer absent = put("kv-cas-absent", "{\"value\": 1, \"expectedRevision\": 3}");
        assertThat(absent.status()).isEqualTo(409);
        assertThat(absent.json().get("exists").asBoolean()).isFalse();
        assertThat(absent.json().get("revision").isNull()).isTrue();
    }

    /** A client that cannot read JSON is told so before the write, not after it was committed (its retry would write again). */
    @Test
    void anAnswerTheClientCannotAcceptIs406BeforeAnythingIsWritten() {
        long before = lastApplied();
        assertThat(put("kv-406", "{\"value\": 1}", "Accept", "text/plain").status()).isEqualTo(406);
        assertThat(send("POST", "/api/kv", "{\"puts\": [{\"key\": \"kv-406\", \"value\": 1}]}", "Accept", "text/plain")
                .status()).isEqualTo(406);
        assertThat(send("POST", "/api/log", "{\"payload\": 1}", "Accept", "text/plain").status()).isEqualTo(406);
        assertThat(lastApplied()).isEqualTo(before);
        assertThat(get("/api/kv/kv-406").status()).isEqualTo(404);
    }

    @Test
    void ifAbsentLetsTheFirstWriterWin() {
        assertThat(put("tx:1:decision", "{\"value\": \"COMMIT\", \"ifAbsent\": true}").status()).isEqualTo(200);
        Answer second = put("tx:1:decision", "{\"value\": \"ABORT\", \"ifAbsent\": true}");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("value").asString()).isEqualTo("COMMIT");
        assertThat(second.json().get("detail").asString()).contains("asked for it to be absent");
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheFirstAnswer() {
        Answer first = put("kv-idem", "{\"value\": 1}", "Idempotency-Key", "kv-idem-1");
        put("kv-idem", "{\"value\": 2}");
        Answer retry = put("kv-idem", "{\"value\": 1}", "Idempotency-Key", "kv-idem-1");
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(get("/api/kv/kv-idem").json().get("value").asInt()).isEqualTo(2);
    }

    @Test
    void aBatchWritesEachKeyUnderItsOwnConditionInOneEntry() {
        put("kv-batch-taken", "{\"value\": \"ABORT\"}");
        long before = lastApplied();
        Answer answer = send("POST", "/api/kv", """
                {"puts": [{"key": "kv-batch-1", "value": "COMMIT", "ifAbsent": true},
                          {"key": "kv-batch-taken", "value": "COMMIT", "ifAbsent": true},
                          {"key": "kv-batch-2", "value": {"n": 1.10}, "expectedRevision": 3},
                          {"key": "kv-batch-3", "value": null}]}""", "Idempotency-Key", "kv-batch-idem");
        assertThat(answer.status()).isEqualTo(200);
        long revision = before + 1;
        assertThat(lastApplied()).isEqualTo(revision);
        long takenRevision = get("/api/kv/kv-batch-taken").json().get("revision").asLong();
        assertThat(answer.body()).isEqualTo("{\"results\":["
                + "{\"key\":\"kv-batch-1\",\"written\":true,\"value\":\"COMMIT\",\"revision\":" + revision + "},"
                + "{\"key\":\"kv-batch-taken\",\"written\":false,\"value\":\"ABORT\",\"revision\":" + takenRevision + "},"
                + "{\"key\":\"kv-batch-2\",\"written\":false,\"value\":null,\"revision\":null},"
                + "{\"key\":\"kv-batch-3\",\"written\":true,\"value\":null,\"revision\":" + revision + "}]}");
        assertThat(get("/api/kv/kv-batch-1").json().get("value").asString()).isEqualTo("COMMIT");
        assertThat(get("/api/kv/kv-batch-2").status()).isEqualTo(404);

        Answer retry = send("POST", "/api/kv", "{\"puts\": [{\"key\": \"kv-batch-4\", \"value\": 1}]}",
                "Idempotency-Key", "kv-batch-idem");
        assertThat(retry.body()).isEqualTo(answer.body());
        assertThat(get("/api/kv/kv-batch-4").status()).isEqualTo(404);
    }

    @Test
    void aBadBatchIsA4xxProblemAndChangesNothing() {
        long before = lastApplied();
        String[][] cases = {
                {"{}", "'puts' is required"},
                {"{\"puts\": []}", "must hold 1 to 1000 writes"},
                {"{\"puts\": [null]}", "must be a write"},
                {"{\"puts\": [{\"key\": \"kv-bad-batch\"}]}", "'puts[0].value' is required"},
                {"{\"puts\": [{\"value\": 1}]}", "'puts[0].key' is required"},
                {"{\"puts\": [{\"key\": \"kv-bad-batch\", \"value\": 1}, {\"key\": \"bad*key\", \"value\": 1}]}", "'puts[1].key' must be 1 to 256 characters"},
                {"{\"puts\": [{\"key\": \"kv-bad-batch\", \"value\": 1, \"expectedRevision\": 0}]}", "'puts[0].expectedRevision' must be a revision"},
                {"{\"puts\": [{\"key\": \"kv-bad-batch\", \"value\": 1}, {\"key\": \"kv-bad-batch\", \"value\": 1, \"ifAbsent\": true, \"expectedRevision\": 2}]}",
                        "puts[1]: 'ifAbsent' and 'expectedRevision' contradict"},
                {"{\"puts\": [{\"key\": \"kv-bad-batch\", \"value\": [1,}]}", "not valid JSON"},
                {"{\"puts\": [{\"key\": \"kv-bad-batch\", \"value\": \"\\udc00\"}]}", "'puts[0].value': a string holds a lone UTF-16 surrogate"},
                {"{\"puts\": " + "[" + "{\"key\": \"k\", \"value\": 1},".repeat(1000) + "{\"key\": \"k\", \"value\": 1}]}",
                        "must hold 1 to 1000 writes"},
        };
        for (String[] bad : cases) {
            Answer answer = send("POST", "/api/kv", bad[0]);
            assertThat(answer.status()).as(bad[0]).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("detail").asString()).as(bad[0]).contains(bad[1]);
        }
        String half = "\"" + "x".repeat(600 * 1024) + "\"";
        Answer tooLarge = send("POST", "/api/kv", "{\"puts\": [{\"key\": \"a\", \"value\": " + half
                + "}, {\"key\": \"b\", \"value\": " + half + "}]}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(get("/api/kv/kv-bad-batch").status()).isEqualTo(404);
        assertThat(lastApplied()).isEqualTo(before);
    }

    @Test
    void aDeleteBatchRemovesTheKeysThereInOneEntry() {
        put("kv-forget-1", "{\"value\": \"COMMIT\"}");
        put("kv-forget-2", "{\"value\": \"ABORT\"}");
        long before = lastApplied();
        Answer answer = send("POST", "/api/kv/deletes", "{\"keys\": [\"kv-forget-1\", \"kv-forget-absent\", \"kv-forget-2\"]}",
                "Idempotency-Key", "kv-forget-idem");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(lastApplied()).isEqualTo(before + 1);
        assertThat(answer.body()).isEqualTo("{\"results\":[{\"key\":\"kv-forget-1\",\"deleted\":true},"
                + "{\"key\":\"kv-forget-absent\",\"deleted\":false},{\"key\":\"kv-forget-2\",\"deleted\":true}]}");
        assertThat(get("/api/kv/kv-forget-1").status()).isEqualTo(404);
        assertThat(get("/api/kv/kv-forget-2").status()).isEqualTo(404);

        put("kv-forget-1", "{\"value\": 1}");
        Answer retry = send("POST", "/api/kv/deletes", "{\"keys\": [\"kv-forget-1\"]}", "Idempotency-Key", "kv-forget-idem");
        assertThat(retry.body()).isEqualTo(answer.body());
        assertThat(get("/api/kv/kv-forget-1").status()).isEqualTo(200);
    }

    @Test
    void aBadDeleteBatchIsA4xxProblemAndChangesNothing() {
        put("kv-bad-deletes", "{\"value\": 1}");
        long before = lastApplied();
        String[][] cases = {
                {"{}", "'keys' is required"},
                {"{\"keys\": []}", "must hold 1 to 1000 keys"},
                {"{\"keys\": [null]}", "must be a key"},
                {"{\"keys\": [\"kv-bad-deletes\", \"bad*key\"]}", "must be 1 to 256 characters"},
                {"{\"keys\": [\"kv-bad-deletes\",}", "not valid JSON"},
                {"{\"keys\": [" + "\"kv-bad-deletes\",".repeat(1000) + "\"kv-bad-deletes\"]}", "must hold 1 to 1000 keys"},
        };
        for (String[] bad : cases) {
            Answer answer = send("POST", "/api/kv/deletes", bad[0]);
            assertThat(answer.status()).as(bad[0]).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("detail").asString()).as(bad[0]).contains(bad[1]);
        }
        assertThat(get("/api/kv/kv-bad-deletes").status()).isEqualTo(200);
        assertThat(lastApplied()).isEqualTo(before);
    }

    @Test
    void deleteAnswers204Then404AndHonoursTheRevision() {
        long revision = put("kv-del", "{\"value\": true}").json().get("revision").asLong();
        Answer wrong = send("DELETE", "/api/kv/kv-del?expectedRevision=" + (revision + 100), null);
        assertThat(wrong.status()).isEqualTo(409);
        assertThat(wrong.json().get("revision").asLong()).isEqualTo(revision);
        assertThat(send("DELETE", "/api/kv/kv-del?expectedRevision=" + revision, null).status()).isEqualTo(204);
        assertThat(get("/api/kv/kv-del").status()).isEqualTo(404);
        Answer again = send("DELETE", "/api/kv/kv-del", null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("detail").asString()).contains("'kv-del' is absent");
        assertThat(send("DELETE", "/api/kv/kv-del?expectedRevision=abc", null).status()).isEqualTo(400);
        assertThat(send("DELETE", "/api/kv/kv-del?expectedRevision=0", null).status()).isEqualTo(400);
    }

    @Test
    void anEmptyExpectedRevisionIsA400ProblemNotADeleteWithoutACheck() {
        put("kv-del-empty", "{\"value\": 1}");
        long before = lastApplied();
        for (String empty : new String[] {"", "%20"}) {
            Answer answer = send("DELETE", "/api/kv/kv-del-empty?expectedRevision=" + empty, null);
            assertThat(answer.status()).as("'%s'", empty).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("detail").asString()).contains("'expectedRevision' must be a whole number");
        }
        assertThat(get("/api/kv/kv-del-empty").status()).isEqualTo(200);
        assertThat(lastApplied()).isEqualTo(before);
    }

    @Test
    void badKeysAndBodiesAre400ProblemsAndChangeNothing() {
        long before = lastApplied();
        String tooLong = "k".repeat(257);
        String[][] cases = {
                {tooLong, "{\"value\":1}", "'key' must be 1 to 256 characters"},
                {"bad%20key", "{\"value\":1}", "'key' must be 1 to 256 characters"},
                {"bad*key", "{\"value\":1}", "'key' must be 1 to 256 characters"},
                {"ok", "{\"value\":1,\"expectedRevision\":\"5\"}", "'expectedRevision' must be a whole number"},
                {"ok", "{\"value\":1,\"expectedRevision\":1.5}", "'expectedRevision' must be a whole number (was '1.5')"},
                {"ok", "{\"value\":1,\"expectedRevision\":\"\"}", "'expectedRevision' must be a whole number"},
                {"ok", "{\"value\":1,\"expectedRevision\":0}", "'expectedRevision' must be a revision"},
                {"ok", "{\"value\":1,\"ifAbsent\":\"true\"}", "'ifAbsent' must be true or false"},
                {"ok", "{\"value\":1,\"ifAbsent\":true,\"expectedRevision\":2}", "contradict"},
                {"ok", "{\"expectedRevision\":2}", "'value' is required"},
                {"ok", "{\"value\":[1,}", "not valid JSON"},
        };
        for (String[] bad : cases) {
            Answer answer = put(bad[0], bad[1]);
            assertThat(answer.status()).as(bad[1]).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("detail").asString()).as(bad[1]).contains(bad[2]);
        }
        assertThat(put("k".repeat(256), "{\"value\":1}").status()).isEqualTo(200);
        assertThat(lastApplied()).isEqualTo(before + 1);
    }

    @Test
    void aLoneSurrogateIsA400ProblemNotAValueStoredAsAQuestionMark() {
        long before = lastApplied();
        // In a property name Jackson itself refuses one, in its own words.
        for (String value : new String[] {"\"\\ud800\"", "\"a\\udfffb\"", "[\"\\ud83d\"]", "{\"\\ude00\": 1}"}) {
            Answer answer = put("kv-surrogate", "{\"value\": " + value + "}");
            assertThat(answer.status()).as(value).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("detail").asString()).as(value).contains("'value'").containsIgnoringCase("surrogate");
        }
        assertThat(get("/api/kv/kv-surrogate").status()).isEqualTo(404);
        assertThat(lastApplied()).isEqualTo(before);

        Answer pair = put("kv-surrogate", "{\"value\": \"\\ud83d\\ude00\"}");
        assertThat(pair.status()).isEqualTo(200);
        assertThat(get("/api/kv/kv-surrogate").json().get("value").asString()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void anEncodedSlashInAKeyIsRefusedAsAProblem() {
        long before = lastApplied();
        Answer answer = put("a%2Fb", "{\"value\":1}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("detail").asString()).contains("encoded '/'");
        assertThat(get("/api/kv/a%5Cb").status()).isEqualTo(400);
        assertThat(lastApplied()).isEqualTo(before);
    }

    @Test
    void readsValidateConsistency() {
        put("kv-read", "{\"value\":1}");
        Answer bad = get("/api/kv/kv-read?consistency=eventual");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("detail").asString()).contains("'consistency' must be 'linearizable' or 'stale'");
        Answer empty = get("/api/kv/kv-read?consistency=");
        assertThat(empty.status()).as("an empty choice is not the default").isEqualTo(400);
        assertThat(empty.json().get("detail").asString()).contains("'consistency' must be 'linearizable' or 'stale'");
        assertThat(get("/api/kv/kv-read?consistency=linearizable").status()).isEqualTo(200);
        assertThat(get("/api/kv/kv-read").status()).as("absent: linearizable").isEqualTo(200);
        assertThat(get("/api/kv/never-written").status()).isEqualTo(404);
        assertThat(get("/api/kv/bad*key").status()).isEqualTo(400);
    }
}
