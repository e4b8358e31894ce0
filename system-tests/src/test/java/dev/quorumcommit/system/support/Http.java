package dev.quorumcommit.system.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests that talk to the cluster as any outside client would. */
public final class Http {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    private Http() {
    }

    public record Answer(int status, String contentType, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    public static Answer get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /**
     * A GET on a client of its own, with no pooled connection: when a process seems to stop answering, this tells
     * whether it is the process or the shared client's connections to it.
     */
    public static Answer getOnNewClient(String url) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            return send(client, HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
        }
    }

    public static Answer put(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"));
    }

    public static Answer post(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"));
    }

    /** The answer, or status 0 when nothing answered (refused, reset, timed out). */
    public static Answer send(HttpRequest.Builder request) {
        return send(request, Duration.ofSeconds(10));
    }

    /** As {@link #send(HttpRequest.Builder)}, waiting up to timeout for the answer. */
    public static Answer send(HttpRequest.Builder request, Duration timeout) {
        return send(CLIENT, request.timeout(timeout).build());
    }

    private static Answer send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            return new Answer(0, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
