package dev.quorumcommit.consensus.transport;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.quorumcommit.consensus.raft.Message;

/**
 * The messages this node has for one peer, and the stream that carries them: the peer holds a long
 * GET open on this node ({@link RaftStreamController}) and this outbox writes every batch into that
 * answer as a frame (a 4-byte length and a {@link MessageCodec} batch), so that a message costs one
 * socket write, not an HTTP request and its answer.
 *
 * <p>Only the newest stream a peer opened is served: a reconnecting peer takes over, and the stream
 * it left ends at its next turn. Whatever was taken for a stream that then broke is lost, which Raft
 * tolerates (it sends again what still matters), so nothing is ever retried here. The queue is
 * bounded, in messages and in bytes; a peer far behind or gone has it cleared rather than let it grow.
 */
final class PeerOutbox {

    private static final int MAX_QUEUED = 16_384;
    /**
     * A bound in bytes as well as in messages: 16,384 snapshot chunks for a peer that is gone would be gigabytes in a
     * heap of a few hundred megabytes. 64 MB is many times what a live peer ever has waiting (one batch is 4 MB).
     */
    static final long MAX_QUEUED_BYTES = 64L << 20;
    private static final int MAX_BATCH_MESSAGES = 1_024;
    private static final long MAX_BATCH_BYTES = 4L << 20;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String peerId;
    private final Firewall firewall;
    private final long keepAliveNanos;
    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final AtomicLong queuedBytes = new AtomicLong(); // as sizeOf counts them
    private final AtomicLong streams = new AtomicLong();
    private final Thread sender;
    private Stream attached;
    private volatile boolean closed;

    private record Stream(DataOutputStream frames, long id, CountDownLatch done) {
        Stream(DataOutputStream frames, long id) {
            this(frames, id, new CountDownLatch(1));
        }
    }

    PeerOutbox(String peerId, Firewall firewall, Duration keepAlive) {
        this.peerId = peerId;
        this.firewall = firewall;
        this.keepAliveNanos = keepAlive.toNanos();
        this.sender = Thread.ofPlatform().daemon().name("raft-send-" + peerId).start(this::sendLoop);
    }

    void enqueue(Message message) {
        long size = sizeOf(message);
        if (queuedBytes.get() + size > MAX_QUEUED_BYTES || !queue.offer(message)) {
            dropQueued(); // the peer is far behind or gone: Raft will resend what it still needs
            queue.offer(message);
        }
        queuedBytes.addAndGet(size);
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    private void dropQueued() {
        List<Message> dropped = new ArrayList<>();
        queue.drainTo(dropped);
        queuedBytes.addAndGet(-dropped.stream().mapToLong(PeerOutbox::sizeOf).sum());
    }

    /**
     * Serves one stream: hands {@code out} to this outbox's sending thread and waits until that thread is done with
     * it: the stream was replaced by a newer one, the chaos switch cut the peer off, the node closes, or a write
     * failed (the peer went away). The caller is a request thread; the writing happens on a platform thread of the
     * outbox's own, which the Raft loop wakes directly (one wake-up per batch, no scheduler in between). Only that
     * thread ends a stream, once it no longer touches {@code out}: the answer must not be finished under its feet.
     */
    void serve(OutputStream out) throws InterruptedException {
        Stream stream = new Stream(new DataOutputStream(out), streams.incrementAndGet());
        synchronized (this) {
            if (closed) {
                return;
            }
            attached = stream;
            notifyAll();
        }
        while (!stream.done().await(POLL_NANOS, TimeUnit.NANOSECONDS)) {
            if (!sender.isAlive()) {
                return; // closed before it ever took this stream up
            }
        }
    }

    /** Ends every stream within {@code POLL_NANOS} and stops the sending thread; used when the node stops. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void sendLoop() {
        List<Message> batch = new ArrayList<>();
        try {
            for (Stream stream = awaitStream(); stream != null; stream = awaitStream()) {
                try {
                    writeUntilDone(stream, batch);
                } catch (IOException e) {
                    // the peer hung up: it opens a new stream when it comes back
                } finally {
                    synchronized (this) {
                        if (attached == stream) {
                            attached = null;
                        }
                    }
                    stream.done().countDown();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The stream to write into next, or null once the outbox is closed. */
    private synchronized Stream awaitStream() throws InterruptedException {
        while (attached == null && !closed) {
            wait();
        }
        return closed ? null : attached;
    }

    /**
     * Writes batches into the stream for as long as it is the current one and the peer is not cut off. When there is
     * nothing to send for a while, an empty frame tells the peer that this node is alive and the connection open.
     */
    private void writeUntilDone(Stream stream, List<Message> batch) throws IOException, InterruptedException {
        long lastWrite = 0;
        while (!closed && streams.get() == stream.id() && firewall.allows(peerId)) {
            batch.clear();
            takeBatch(batch);
            long now = System.nanoTime();
            if (batch.isEmpty()) {
                if (now - lastWrite >= keepAliveNanos) {
                    stream.frames().writeInt(0);
                    stream.frames().flush();
                    lastWrite = now;
                }
                continue;
            }
            long delay = firewall.delay().toMillis();
            if (delay > 0) {
                Thread.sleep(delay);
            }
            byte[] body = MessageCodec.encode(batch);
            stream.frames().writeInt(body.length);
            stream.frames().write(body);
            stream.frames().flush();
            lastWrite = System.nanoTime();
        }
    }

    private void takeBatch(List<Message> batch) throws InterruptedException {
        Message first = queue.poll(POLL_NANOS, TimeUnit.NANOSECONDS);
        if (first == null) {
            return;
        }
        batch.add(first);
        long bytes = sizeOf(first);
        Message next;
        while (batch.size() < MAX_BATCH_MESSAGES && bytes < MAX_BATCH_BYTES && (next = queue.poll()) != null) {
            batch.add(next);
            bytes += sizeOf(next);
        }
        queuedBytes.addAndGet(-bytes);
    }

    private static long sizeOf(Message message) {
        return switch (message) {
            case Message.AppendEntries append -> {
                long bytes = 64;
                for (var entry : append.entries()) {
                    bytes += entry.command().length + 32;
                }
                yield bytes;
            }
            case Message.InstallSnapshot chunk -> chunk.data().length + 64L;
            default -> 64;
        };
    }
}
