package dev.quorumcommit.twopc.local;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a service's H2 file from growing without end while it commits with {@code WRITE_DELAY 0}.
 * <p>
 * H2's store (MVStore) is copy-on-write: every commit appends a chunk with each page it changed, and a chunk's
 * space is reused only once none of its pages is live any more. A chunk that keeps a few live pages (a leaf of
 * rows nobody updates again) never frees up unless it is rewritten, and rewriting sparse chunks is the work of
 * H2's background thread. With {@code WRITE_DELAY 0}, which the services need so that a commit is in the file
 * before it is acknowledged, H2 runs no background thread (h2database/h2database#442). Measured on
 * order-service's own statements: the file grew by some 50 KB with every commit, for good (1.2 GB after 24,000
 * commits), and each commit cost more as the list of chunks it rewrites grew.
 * <p>
 * So this does that housekeeping by hand: every {@code interval} it asks the store to rewrite up to
 * {@code bytesPerPass} of its chunks that are less than {@code targetFillRate} % live (90: H2's own threshold).
 * The chunks left without live pages are then dropped by H2 itself, after its retention time. That time stays
 * at H2's default (45 s): shorter ones let H2 reuse space its chunk map still lists, which has corrupted files
 * (h2database/h2database#2752). So under load the file levels off at about 45 s of commits plus the live data.
 * <p>
 * It reaches into H2's engine ({@link SessionLocal}, {@link MVStore}) because H2 has no SQL for this; a data
 * source that is not an embedded H2 file is left alone.
 */
public final class H2FileCompaction implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(H2FileCompaction.class);

    /** H2's own {@code AUTO_COMPACT_FILL_RATE}: chunks less live than this are rewritten. */
    public static final int DEFAULT_TARGET_FILL_RATE = 90;
    /** What H2's background thread writes at most per pass ({@code autoCommitBufferSize}'s default). */
    public static final int DEFAULT_BYTES_PER_PASS = 1024 * 1024;

    private final DataSource dataSource;
    private final int targetFillRate;
    private final int bytesPerPass;
    private final ScheduledExecutorService scheduler;

    private H2FileCompaction(DataSource dataSource, int targetFillRate, int bytesPerPass,
            ScheduledExecutorService scheduler) {
        this.dataSource = dataSource;
        this.targetFillRate = targetFillRate;
        this.bytesPerPass = bytesPerPass;
        this.scheduler = scheduler;
    }

    /** Compacts every {@code interval} on a daemon thread of its own, until {@link #close()}. */
    public static H2FileCompaction every(Duration interval, DataSource dataSource) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("h2-compaction").daemon().factory());
        H2FileCompaction compaction = new H2FileCompaction(dataSource, DEFAULT_TARGET_FILL_RATE,
                DEFAULT_BYTES_PER_PASS, scheduler);
        scheduler.scheduleWithFixedDelay(compaction::compactQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return compaction;
    }

    /** For tests: passes run only when {@link #compactOnce()} is called. */
    static H2FileCompaction onDemand(DataSource dataSource) {
        return new H2FileCompaction(dataSource, DEFAULT_TARGET_FILL_RATE, DEFAULT_BYTES_PER_PASS, null);
    }

    /**
     * One pass: rewrites up to {@code bytesPerPass} of the sparsest chunks.
     *
     * @return whether any chunk was rewritten
     */
    boolean compactOnce() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return fileStore(connection).map(store -> store.compact(targetFillRate, bytesPerPass)).orElse(false);
        }
    }

    private void compactQuietly() {
        try {
            compactOnce();
        } catch (SQLException | RuntimeException e) { // the next pass tries again; commits do not depend on it
            log.warn("H2 file compaction pass failed: {}", e.toString());
        }
    }

    private static Optional<MVStore> fileStore(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)
                || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                || session.getDatabase().getStore() == null) {
            return Optional.empty(); // not H2, or H2 over TCP: the server's process keeps that file
        }
        MVStore store = session.getDatabase().getStore().getMvStore();
        return store.getFileStore() == null ? Optional.empty() : Optional.of(store); // in memory: nothing to grow
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
