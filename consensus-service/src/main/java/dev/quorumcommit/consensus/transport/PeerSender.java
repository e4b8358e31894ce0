package dev.quorumcommit.consensus.transport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;

import dev.quorumcommit.consensus.raft.Message;

/**
 * Sends one peer its messages on one virtual thread: it takes everything queued since the last POST
 * and sends it as one batch, so under load many appends share one request (and the core's own
 * in-flight limit provides the pipelining). A lost message is never retried here: Raft sends what
 * matters again (a heartbeat, a probe), and a stale retry could only be ignored. While the peer is
 * down the queue is dropped after each failure, so memory stays bounded.
 */
final class PeerSender {

    private static final Logger log = LoggerFactory.getLogger(PeerSender.class);
    private static final int MAX_QUEUED = 16_384;
    private static final int MAX_BATCH_MESSAGES = 1_024;
    private static final long MAX_BATCH_BYTES = 4L << 20;

    private final String peerId;
    private final URI endpoint;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client;
    private final Firewall firewall;
    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private volatile long lastSuccessNanos;
    private volatile boolean running = true;
    private final Thread thread;

    PeerSender(String peerId, URI peerUrl, HttpClient client, Firewall firewall) {
        this.peerId = peerId;
        this.endpoint = peerUrl.resolve("/internal/raft/messages");
        this.client = client;
        this.firewall = firewall;
        this.thread = Thread.ofVirtual().name("raft-send-" + peerId).start(this::run);
    }

    void enqueue(Message message) {
        if (!queue.offer(message)) {
            queue.clear(); // the peer is far behind or gone: Raft will resend what it still needs
            queue.offer(message);
        }
    }

    boolean reachedWithin(long nanos) {
        return lastSuccessNanos != 0 && System.nanoTime() - lastSuccessNanos < nanos;
    }

    void stop() {
        running = false;
        thread.interrupt();
    }

    private void run() {
        long backoffMillis = 0;
        List<Message> batch = new ArrayList<>();
        while (running) {
            try {
                Message first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.clear();
                batch.add(first);
                drainInto(batch);
                if (!firewall.allows(peerId)) {
                    continue;
                }
                long delay = firewall.delay().toMillis();
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                post(batch);
                lastSuccessNanos = System.nanoTime();
                backoffMillis = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                backoffMillis = Math.min(500, Math.max(25, backoffMillis * 2));
                log.debug("sending {} messages to {} failed: {}", batch.size(), peerId, e.toString());
                queue.clear();
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void drainInto(List<Message> batch) {
        long bytes = 0;
        Message next;
        while (batch.size() < MAX_BATCH_MESSAGES && bytes < MAX_BATCH_BYTES && (next = queue.poll()) != null) {
            batch.add(next);
            if (next instanceof Message.AppendEntries append) {
                for (var entry : append.entries()) {
                    bytes += entry.command().length + 32;
                }
            } else if (next instanceof Message.InstallSnapshot chunk) {
                bytes += chunk.data().length;
            }
        }
    }

    /**
     * One POST on the JDK client directly, its (empty) answer discarded. Spring's RestClient over the same client
     * built three exceptions per call when it closed the answer (a cancelled timeout future and a drained stream):
     * a fifth of this thread's CPU under load, for a call whose answer carries nothing.
     */
    private void post(List<Message> batch) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(TIMEOUT)
                .header("Content-Type", MediaType.APPLICATION_OCTET_STREAM_VALUE)
                .header(PeerTransport.FROM_HEADER, batch.getFirst().from())
                .POST(HttpRequest.BodyPublishers.ofByteArray(MessageCodec.encode(batch)))
                .build();
        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 != 2) {
            throw new IOException(peerId + " answered " + status);
        }
    }
}
