package dev.quorumcommit.consensus.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.quorumcommit.consensus.web.ApiTestSupport;

class LogStreamTest extends ApiTestSupport {

    private final HttpClient client = HttpClient.newHttpClient();

    /** Reads the stream's lines on a virtual thread into a list, until the test ends. */
    private List<String> follow(String query, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/log/stream" + query))
                .header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<Stream<String>> response = client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> response.body().forEach(lines::add));
        return lines;
    }

    private long append(String payload) {
        return send("POST", "/api/log", "{\"payload\":" + payload + "}").json().get("index").asLong();
    }

    @Test
    void committedEntriesArriveFromTheGivenIndexOnAsTheyCommit() throws Exception {
        long first = append("\"before-1\"");
        long second = append("\"before-2\"");
        List<String> lines = follow("?from=" + second);
        long third = append("{\"live\":1.50}");
        send("PUT", "/api/kv/stream-key", "{\"value\":1}"); // takes an index, is no log entry
        long fourth = append("\"live-2\"");

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("id:" + fourth));
        assertThat(lines).doesNotContain("id:" + first);
        assertThat(lines.stream().filter(l -> l.startsWith("id:"))).containsExactly("id:" + second, "id:" + third, "id:" + fourth);
        assertThat(lines).contains("event:entry",
                "data:{\"index\":" + third + ",\"term\":1,\"payload\":{\"live\":1.50}}");
    }

    @Test
    void aReconnectResumesAfterLastEventId() throws Exception {
        long first = append("1");
        long second = append("2");
        List<String> lines = follow("?from=1", "Last-Event-ID", Long.toString(first));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("id:" + second));
        assertThat(lines).doesNotContain("id:" + first);
    }

    @Test
    void withoutFromOnlyNewEntriesArrive() throws Exception {
        long old = append("\"old\"");
        List<String> lines = follow("");
        long fresh = append("\"new\"");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("id:" + fresh));
        assertThat(lines).doesNotContain("id:" + old);
    }

    @Test
    void aCompactedStartIs410AndABadOneIs400() throws Exception {
        append("1");
        append("2");
        node.stateMachine().compactLogBefore(lastApplied());
        Answer gone = send("GET", "/api/log/stream?from=1", null, "Accept", "text/event-stream");
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.body()).contains("compacted away");
        assertThat(send("GET", "/api/log/stream?from=0", null, "Accept", "text/event-stream").status()).isEqualTo(400);
        assertThat(send("GET", "/api/log/stream?from=x", null, "Accept", "text/event-stream").status()).isEqualTo(400);
        assertThat(statusOf("?from=")).as("empty: once a stream of every next entry").isEqualTo(400);
    }

    /** The status alone: a stream opened by mistake would never end, so its body is not waited for. */
    private int statusOf(String query) throws Exception {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/log/stream" + query)).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        response.body().close();
        return response.statusCode();
    }
}
