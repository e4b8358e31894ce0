package dev.quorumcommit.consensus.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;

import org.junit.jupiter.api.Test;

/** Values and payloads above 1 MiB are 413 problems, whether the body says its length or not. */
class BodyLimitTest extends ApiTestSupport {

    private static String stringOfBytes(int bytes) {
        return "\"" + "x".repeat(bytes - 2) + "\""; // a JSON string of exactly this many bytes
    }

    @Test
    void aValueOfExactly1MiBIsAcceptedAndOneByteMoreIs413() {
        assertThat(send("PUT", "/api/kv/big-ok", "{\"value\":" + stringOfBytes(RawJson.MAX_BYTES) + "}").status()).isEqualTo(200);
        long before = lastApplied();
        Answer tooBig = send("PUT", "/api/kv/big-no", "{\"value\":" + stringOfBytes(RawJson.MAX_BYTES + 1) + "}");
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.contentType()).startsWith("application/problem+json");
        assertThat(tooBig.json().get("detail").asString()).contains("1048577 bytes").contains("at most 1 MiB");
        Answer payload = send("POST", "/api/log", "{\"payload\":" + stringOfBytes(RawJson.MAX_BYTES + 1) + "}");
        assertThat(payload.status()).isEqualTo(413);
        assertThat(lastApplied()).isEqualTo(before);
    }

    @Test
    void aBodyLargerThanTheLimitIsRefusedByItsContentLength() {
        long before = lastApplied();
        Answer answer = send("POST", "/api/log", "{\"payload\":" + stringOfBytes(3 * RawJson.MAX_BYTES) + "}");
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("title").asString()).isEqualTo("Content Too Large");
        assertThat(answer.json().get("detail").asString()).contains("Nothing was changed");
        assertThat(lastApplied()).isEqualTo(before);
    }

    @Test
    void aChunkedBodyWithoutContentLengthIsBoundedToo() {
        long before = lastApplied();
        byte[] body = ("{\"payload\":" + stringOfBytes(2 * RawJson.MAX_BYTES) + "}").getBytes(StandardCharsets.UTF_8);
        // A publisher of unknown length makes the JDK client send the body chunked, with no Content-Length.
        HttpRequest.BodyPublisher chunked = new HttpRequest.BodyPublisher() {
            private final HttpRequest.BodyPublisher delegate = HttpRequest.BodyPublishers.ofByteArrays(List.of(body));

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
                delegate.subscribe(subscriber);
            }
        };
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/log"))
                .header("Content-Type", "application/json").POST(chunked).build();
        Answer answer = send(request);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("detail").asString()).contains("more than");
        assertThat(lastApplied()).isEqualTo(before);
    }
}
