package dev.quorumcommit.consensus.transport;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.quorumcommit.consensus.raft.Message;

/**
 * Receives one peer's messages for this node: holds a {@code GET /internal/raft/stream/{thisNode}} open
 * on the peer and hands each frame of the answer to the Raft loop, reconnecting with back-off when the
 * stream breaks. This is etcd's rafthttp stream: the receiver dials, the sender writes into the answer.
 *
 * <p>Why a socket and an HTTP/1.1 request written by hand rather than an HTTP client library: this read
 * is on the commit path of every write, twice (the append out, the acknowledgement back). A blocking
 * read on a platform thread that calls straight into the Raft loop's queue is one wake-up per batch;
 * the JDK's asynchronous client put a selector thread, an executor and futures in between, and on two
 * cores each hand-off cost more than the fsync the write waits for. The HTTP here is the smallest
 * correct subset: one GET, a status line, headers, and a chunked body ({@link ChunkedInputStream}).
 */
final class PeerStreamReader implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(PeerStreamReader.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 500;
    private static final int MAX_FRAME_BYTES = 64 << 20;
    private static final int MAX_HEAD_LINE = 8_192;

    private final String selfId;
    private final String peerId;
    private final InetSocketAddress address;
    private final byte[] request;
    private final InboundMessages inbound;
    private final Firewall firewall;
    private final int readTimeoutMillis;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Socket socket;
    private volatile long lastFrameNanos;

    PeerStreamReader(String selfId, String peerId, URI peerUrl, InboundMessages inbound, Firewall firewall, Duration readTimeout) {
        this.selfId = selfId;
        this.peerId = peerId;
        int port = peerUrl.getPort() != -1 ? peerUrl.getPort() : 80;
        this.address = InetSocketAddress.createUnresolved(peerUrl.getHost(), port);
        this.request = HttpLines.ascii("GET " + RaftStreamController.PATH_PREFIX + selfId + " HTTP/1.1\r\n"
                + "Host: " + peerUrl.getHost() + ":" + port + "\r\n"
                + PeerTransport.FROM_HEADER + ": " + selfId + "\r\n"
                + "Accept: application/octet-stream\r\n"
                + "Connection: close\r\n\r\n");
        this.inbound = inbound;
        this.firewall = firewall;
        this.readTimeoutMillis = (int) readTimeout.toMillis();
        this.thread = Thread.ofPlatform().daemon().name("raft-recv-" + peerId).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Whether a frame (messages, or the keep-alive of an idle stream) came from the peer within {@code nanos}. */
    boolean heardWithin(long nanos) {
        return lastFrameNanos != 0 && System.nanoTime() - lastFrameNanos < nanos;
    }

    void stop() {
        running = false;
        closeQuietly(socket);
        thread.interrupt();
    }

    @Override
    public void run() {
        long backoffMillis = 0;
        while (running) {
            if (firewall.allows(peerId)) {
                try {
                    readStream();
                    backoffMillis = 0; // the peer ended the stream in order (it is stopping, or took a newer one)
                } catch (IOException | IllegalArgumentException e) {
                    backoffMillis = Math.min(500, Math.max(25, backoffMillis * 2));
                    log.debug("stream from {} broke: {}", peerId, e.toString());
                }
            } else {
                backoffMillis = 100; // cut off by the chaos switch: look again soon
            }
            try {
                Thread.sleep(backoffMillis == 0 ? 10 : backoffMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readStream() throws IOException {
        try (Socket connection = new Socket()) {
            socket = connection;
            if (!running) {
                return;
            }
            connection.setTcpNoDelay(true);
            connection.connect(new InetSocketAddress(address.getHostString(), address.getPort()), CONNECT_TIMEOUT_MILLIS);
            // A peer that stops writing (SIGSTOP, a cut cable) is noticed by the missing keep-alives.
            connection.setSoTimeout(readTimeoutMillis);
            OutputStream out = connection.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = new BufferedInputStream(connection.getInputStream(), 64 * 1024);
            readHead(in);
            DataInputStream frames = new DataInputStream(new ChunkedInputStream(in));
            while (running) {
                int length = frames.readInt();
                if (length < 0 || length > MAX_FRAME_BYTES) {
                    throw new IOException("a frame of " + length + " bytes");
                }
                lastFrameNanos = System.nanoTime();
                if (length == 0) {
                    continue; // keep-alive
                }
                byte[] body = frames.readNBytes(length);
                if (body.length != length) {
                    throw new IOException("the stream ended inside a frame");
                }
                if (!firewall.allows(peerId)) {
                    return; // cut off while connected: hang up, as a dead link would
                }
                List<Message> messages = MessageCodec.decode(body);
                inbound.deliver(messages);
            }
        } finally {
            socket = null;
        }
    }

    private void readHead(InputStream in) throws IOException {
        String status = HttpLines.read(in, MAX_HEAD_LINE);
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException(peerId + " answered '" + status + "'");
        }
        boolean chunked = false;
        for (String header = HttpLines.read(in, MAX_HEAD_LINE); !header.isEmpty(); header = HttpLines.read(in, MAX_HEAD_LINE)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (!chunked) {
            throw new IOException(peerId + " answered the stream without chunked coding");
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }
    }

    @Override
    public String toString() {
        return "stream " + peerId + " -> " + selfId;
    }
}
