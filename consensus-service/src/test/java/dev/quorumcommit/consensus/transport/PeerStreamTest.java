package dev.quorumcommit.consensus.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.quorumcommit.consensus.raft.Message;
import dev.quorumcommit.consensus.raft.SnapshotMetadata;

/**
 * The peer stream on real sockets and real HTTP: the sending node's {@link PeerOutbox} writes into the answer of a
 * small HTTP server (the JDK's, standing in for Tomcat), and the receiving node's {@link PeerStreamReader} reads it.
 */
class PeerStreamTest {

    private static final Duration KEEP_ALIVE = Duration.ofMillis(50);

    private final Firewall senderFirewall = new Firewall();
    private final Firewall receiverFirewall = new Firewall();
    private final PeerOutbox outbox = new PeerOutbox("n2", senderFirewall, KEEP_ALIVE);
    private final List<Message> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger streamsServed = new AtomicInteger();
    private HttpServer server;
    private PeerStreamReader reader;

    @BeforeEach
    void startSenderNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(RaftStreamController.PATH_PREFIX + "n2", exchange -> {
            streamsServed.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, 0); // length unknown: chunked
            try (OutputStream body = exchange.getResponseBody()) {
                outbox.serve(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        reader = new PeerStreamReader("n2", "n1", url, received::addAll, receiverFirewall, Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        reader.stop();
        outbox.close();
        server.stop(0);
    }

    private static Message heartbeat(long commit) {
        return new Message.Heartbeat("n1", "n2", 3, commit, 0);
    }

    /**
     * A peer that is gone does not drain its queue; a leader still sending it snapshot chunks must not fill its heap
     * with them. The queue is cleared once it holds its bound in bytes, and the newest messages are what the peer
     * gets when it is back.
     */
    @Test
    void aPeerThatIsGoneHasItsQueueBoundedInBytesAndGetsTheNewestMessagesWhenBack() {
        byte[] chunk = new byte[512 * 1024];
        int sent = 300; // 150 MB of chunks, more than twice the bound
        for (int i = 0; i < sent; i++) {
            outbox.enqueue(new Message.InstallSnapshot("n1", "n2", 3, new SnapshotMetadata(10, 3), i, chunk, false));
            assertThat(outbox.queuedBytes()).isLessThanOrEqualTo(PeerOutbox.MAX_QUEUED_BYTES);
        }

        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty()
                && ((Message.InstallSnapshot) received.getLast()).offset() == sent - 1);
        assertThat(received.size()).as("what was queued when it came back: the newest, under the bound")
                .isLessThan(sent).isGreaterThan(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.queuedBytes() == 0);
    }

    @Test
    void deliversEveryMessageInTheOrderItWasSent() {
        reader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.heardWithin(Duration.ofSeconds(1).toNanos()));

        for (int i = 1; i <= 2_000; i++) {
            outbox.enqueue(heartbeat(i));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2_000);
        assertThat(received).extracting(m -> ((Message.Heartbeat) m).commit())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 2_000).boxed().toList());
    }

    @Test
    void anIdleStreamKeepsThePeerReachable() {
        reader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.heardWithin(Duration.ofSeconds(1).toNanos()));

        // Nothing to send: ten times over, the reader hears a frame it had not heard before it looked (a keep-alive, as
        // no message is ever queued), on the one stream it opened. No gap between frames is assumed: a loaded machine
        // may stretch them, and the bound below only ends a test whose keep-alives never come.
        for (int i = 0; i < 10; i++) {
            long since = System.nanoTime();
            await("keep-alive " + (i + 1)).atMost(Duration.ofSeconds(5))
                    .until(() -> reader.heardWithin(System.nanoTime() - since));
        }

        assertThat(received).as("only keep-alives were heard").isEmpty();
        assertThat(streamsServed).hasValue(1);
    }

    @Test
    void messagesQueuedWhileNoStreamIsOpenArriveOnceThePeerConnects() {
        outbox.enqueue(heartbeat(7));

        reader.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertThat(((Message.Heartbeat) received.getFirst()).commit()).isEqualTo(7);
    }

    @Test
    void aCutOffPeerIsNeitherServedNorHeardUntilHealed() {
        reader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.heardWithin(Duration.ofSeconds(1).toNanos()));

        senderFirewall.cutOff(Set.of("n2"));
        outbox.enqueue(heartbeat(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> !reader.heardWithin(Duration.ofMillis(200).toNanos()));

        senderFirewall.heal();
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.heardWithin(Duration.ofMillis(200).toNanos()));
        outbox.enqueue(heartbeat(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch(m -> ((Message.Heartbeat) m).commit() == 2));
    }

    @Test
    void theReceiverHangsUpOnAPeerItCutsOff() {
        reader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.heardWithin(Duration.ofSeconds(1).toNanos()));

        receiverFirewall.cutOff(Set.of("n1"));
        outbox.enqueue(heartbeat(1));

        await().atMost(Duration.ofSeconds(5)).until(() -> !reader.heardWithin(Duration.ofMillis(200).toNanos()));
        assertThat(received).isEmpty();
    }

    @Test
    void aReconnectingPeerTakesTheStreamOverAndLosesNothingQueuedAfter() {
        reader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.heardWithin(Duration.ofSeconds(1).toNanos()));
        reader.stop();

        PeerStreamReader second = new PeerStreamReader("n2", "n1", URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                received::addAll, receiverFirewall, Duration.ofSeconds(2));
        try {
            second.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> streamsServed.get() == 2 && second.heardWithin(Duration.ofMillis(200).toNanos()));
            outbox.enqueue(heartbeat(9));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        } finally {
            second.stop();
        }
    }

    @Test
    void closingTheOutboxEndsTheStreamItServes() {
        reader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> reader.heardWithin(Duration.ofSeconds(1).toNanos()));

        outbox.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> !reader.heardWithin(Duration.ofMillis(200).toNanos()));
    }
}
