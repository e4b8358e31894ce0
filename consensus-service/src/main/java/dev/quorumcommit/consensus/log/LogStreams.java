package dev.quorumcommit.consensus.log;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.quorumcommit.consensus.log.LogRecords.LogEntryAnswer;
import dev.quorumcommit.consensus.node.ConsensusNode;
import dev.quorumcommit.consensus.statemachine.LogPage;
import dev.quorumcommit.consensus.statemachine.LogRecord;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;
import dev.quorumcommit.consensus.web.ApiProblem;

/**
 * Follows the committed log for SSE clients. Each stream is one virtual thread that reads the state
 * machine from where it stands and then waits for it to grow: a slow client just reads older
 * records later (no queue to overflow), and cannot miss or repeat one. Streams are bounded in
 * number, and each ends after {@link #MAX_DURATION} (the client reconnects with Last-Event-ID).
 * They are closed first at shutdown, so that they do not hold up the graceful stop of the server.
 */
@Component
class LogStreams implements SmartLifecycle {

    static final int MAX_STREAMS = 200;
    static final Duration MAX_DURATION = Duration.ofMinutes(30);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final int BATCH = 100;

    private final ReplicatedStateMachine stateMachine;
    private final Semaphore permits = new Semaphore(MAX_STREAMS);
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    LogStreams(ConsensusNode node) {
        this.stateMachine = node.stateMachine();
    }

    SseEmitter follow(long from) {
        if (!permits.tryAcquire()) {
            throw ApiProblem.unavailable("This node already serves " + MAX_STREAMS + " log streams. Retry later, or use another node.");
        }
        SseEmitter emitter = new SseEmitter(MAX_DURATION.toMillis());
        open.add(emitter);
        Thread follower = Thread.ofVirtual().name("log-stream-from-" + from).unstarted(() -> {
            try {
                send(emitter, from);
            } finally {
                open.remove(emitter);
                permits.release();
            }
        });
        emitter.onCompletion(follower::interrupt);
        emitter.onTimeout(follower::interrupt);
        emitter.onError(e -> follower.interrupt());
        follower.start();
        return emitter;
    }

    private void send(SseEmitter emitter, long from) {
        long next = from;
        try {
            // Sent at once so that the client gets the response headers even when nothing commits for a while.
            emitter.send(SseEmitter.event().comment("following the committed log from index " + from).reconnectTime(1000));
            while (!Thread.currentThread().isInterrupted()) {
                LogPage page = stateMachine.readLog(next, BATCH);
                if (page.compacted()) {
                    emitter.send(SseEmitter.event().name("compacted").data(Map.of("firstIndex", page.firstIndex(),
                            "detail", "Index " + next + " was compacted away; reconnect from " + page.firstIndex()), MediaType.APPLICATION_JSON));
                    emitter.complete();
                    return;
                }
                for (LogRecord record : page.records()) {
                    emitter.send(SseEmitter.event().id(Long.toString(record.index())).name("entry")
                            .data(LogEntryAnswer.of(record), MediaType.APPLICATION_JSON));
                }
                if (page.records().size() == BATCH) {
                    next = page.records().getLast().index() + 1;
                } else {
                    // Everything up to lastApplied has been sent: wait for more.
                    next = Math.max(next, page.lastApplied() + 1);
                    if (stateMachine.awaitAppliedBeyond(page.lastApplied(), KEEP_ALIVE) <= page.lastApplied()) {
                        emitter.send(SseEmitter.event().comment("keep-alive"));
                    }
                }
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away, or the emitter timed out or was completed: the stream is over.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        emitter.complete();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        open.forEach(SseEmitter::complete);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped before the web server's graceful shutdown, which would otherwise wait for every open stream. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
