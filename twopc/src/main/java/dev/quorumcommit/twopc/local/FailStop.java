package dev.quorumcommit.twopc.local;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Treats a database file that can no longer be written or synced as a crash: it says why, and halts the process.
 * <p>
 * After a failed fsync, what the file holds is unknown: Linux may drop the pages it could not write and report
 * the next fsync as a success (PostgreSQL's "fsyncgate", 2018), so a sync that is tried again proves nothing. And
 * H2, once a write of its file failed, closes the database for good: a service whose disk had filled refused every
 * request from then on, even once there was room again, while its readiness still said UP. PostgreSQL panics in
 * this case and etcd exits; so does this, because a crash is the one failure the protocol is built and tested to
 * survive. Whoever supervises the service (./run.sh, an orchestrator) starts it again; H2 opens its file as the
 * last good sync left it; recovery finishes every transaction that was in flight by its decision in consensus.
 * <p>
 * Two ways lead here: a sync that throws ({@link #guard}), and a watchdog that finds the database closed under a
 * running service (H2's own background writer met the full disk first, so no sync of ours failed). Both only while
 * the service runs: once Spring stops it (before it closes the database), a failed sync is reported to its caller
 * and no more, and H2's orderly close leaves no panic for the watchdog to find.
 */
public final class FailStop implements SmartLifecycle {

    /** {@code EX_IOERR} of sysexits.h: an input/output error. */
    public static final int EXIT_IO_ERROR = 74;
    private static final Logger log = LoggerFactory.getLogger(FailStop.class);

    private final Supplier<Throwable> databaseFailure;
    private final Consumer<String> halt;
    private final AtomicBoolean halting = new AtomicBoolean();
    private ScheduledExecutorService watchdog;

    /**
     * @param databaseFailure why the database failed under the service (what H2 closed it in a panic for), or null
     *                        while it has not
     * @param halt            ends the process; given why ({@link #haltProcess} in a service, a recorder in tests)
     */
    public FailStop(Supplier<Throwable> databaseFailure, Consumer<String> halt) {
        this.databaseFailure = databaseFailure;
        this.halt = halt;
    }

    /** Halts at once, as kill -9 would: no shutdown hook may write to the file that failed. */
    public static void haltProcess(String why) {
        Runtime.getRuntime().halt(EXIT_IO_ERROR);
    }

    /** The sync, which halts the process instead of returning when the file could not be synced. */
    public Runnable guard(Runnable sync) {
        return () -> {
            try {
                sync.run();
            } catch (RuntimeException | Error e) {
                if (isRunning()) { // not once the service is shutting down: its database is closed then, in order
                    haltBecause("the database file could not be synced to the disk (" + rootCause(e) + ")");
                }
                throw e; // the caller is told its commit failed (reached where halting does not end the process)
            }
        };
    }

    private void haltBecause(String why) {
        if (halting.compareAndSet(false, true)) {
            log.error("{}: halting, as a crash would. What was synced before is on the disk; start the service again"
                    + " once the disk can be written, and recovery finishes every transaction that was in flight.", why);
            halt.accept(why);
        }
    }

    private void watch() {
        try {
            Throwable failure = databaseFailure.get();
            if (failure != null) { // its cause named, as the operator must fix it ("No space left on device")
                haltBecause("H2 closed the database under the running service: a write of its file failed ("
                        + rootCause(failure) + ")");
            }
        } catch (RuntimeException e) { // a watchdog that throws is never run again
            log.warn("could not tell whether the database is still open: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        watchdog = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("fail-stop-watchdog").daemon().factory());
        watchdog.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void stop() {
        if (watchdog != null) {
            watchdog.shutdownNow();
            watchdog = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return watchdog != null;
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String said = e.getMessage() == null ? e.toString() : e.getMessage();
        return root == e || said.contains(root.toString()) ? said : said + ": " + root;
    }
}
