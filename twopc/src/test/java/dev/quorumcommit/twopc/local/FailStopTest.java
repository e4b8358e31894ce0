package dev.quorumcommit.twopc.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that can no longer be synced ends the process as a crash would; the halt here only records why. */
class FailStopTest {

    private final List<String> halts = new CopyOnWriteArrayList<>();

    @Test
    void aSyncThatFailsHaltsOnceAndIsNeverReportedAsDone() {
        FailStop failStop = new FailStop(() -> null, halts::add);
        Runnable sync = failStop.guard(() -> {
            throw new UncheckedIOException(new IOException("No space left on device"));
        });
        failStop.start();
        try {
            assertThatThrownBy(sync::run).isInstanceOf(UncheckedIOException.class);
            assertThatThrownBy(sync::run).isInstanceOf(UncheckedIOException.class);
        } finally {
            failStop.stop();
        }

        assertThat(halts).singleElement().asString()
                .startsWith("the database file could not be synced to the disk").contains("No space left on device");
    }

    @Test
    void aSyncThatFailsOnceTheServiceIsStoppingIsReportedButHaltsNothing() {
        FailStop failStop = new FailStop(() -> null, halts::add);
        Runnable sync = failStop.guard(() -> {
            throw new IllegalStateException("the pool is closed");
        });
        failStop.start();
        failStop.stop(); // Spring stops it before it closes the database

        assertThatThrownBy(sync::run).hasMessage("the pool is closed");
        assertThat(halts).isEmpty();
    }

    @Test
    void aSyncThatWorksHaltsNothing() {
        FailStop failStop = new FailStop(() -> null, halts::add);
        int[] runs = {0};
        failStop.start();
        try {
            failStop.guard(() -> runs[0]++).run();
        } finally {
            failStop.stop();
        }
        assertThat(runs[0]).isOne();
        assertThat(halts).isEmpty();
    }

    @Test
    void theWatchdogHaltsOnceTheDatabaseIsClosedUnderTheServiceAndNotAfterItWasStopped() {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        FailStop failStop = new FailStop(failure::get, halts::add);
        failStop.start();
        try {
            failure.set(new IllegalStateException("Writing failed", new IOException("No space left on device")));
            await().atMost(Duration.ofSeconds(10)).until(() -> !halts.isEmpty());
            assertThat(halts).singleElement().asString().contains("a write of its file failed")
                    .as("what the operator must fix").contains("No space left on device");
        } finally {
            failStop.stop();
        }

        halts.clear();
        FailStop stopped = new FailStop(() -> new IOException("No space left on device"), halts::add);
        stopped.start();
        stopped.stop(); // an orderly shutdown closes the database after this
        assertThat(stopped.isRunning()).isFalse();
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(halts::isEmpty);
    }

    @Test
    void aDatabaseH2GaveUpIsSeenAsFailedAndOneClosedInOrderIsNot(@TempDir Path dir) throws Exception {
        H2FileSync failing = syncOf(dir.resolve("failing"));
        assertThat(failing.databaseFailure()).isNull();
        Connection failingConnection = dataSource(dir.resolve("failing")).getConnection(); // dead with its database
        MVStore store = storeOf(failingConnection);
        // What H2 does when a write of its file fails: it closes the store, and throws.
        assertThatThrownBy(() -> store.panic(DataUtils.newMVStoreException(DataUtils.ERROR_WRITING_FAILED,
                "Writing failed: No space left on device (a test)"))).hasMessageContaining("No space left on device");
        assertThat(failing.databaseFailure()).hasMessageContaining("No space left on device");

        H2FileSync orderly = syncOf(dir.resolve("orderly"));
        try (Connection connection = dataSource(dir.resolve("orderly")).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN"); // as at the end of a run
        }
        assertThat(orderly.databaseFailure()).isNull();
    }

    private static H2FileSync syncOf(Path file) {
        H2FileSync sync = new H2FileSync(dataSource(file));
        sync.run();
        return sync;
    }

    private static JdbcDataSource dataSource(Path file) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE;DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        return dataSource;
    }

    private static MVStore storeOf(Connection connection) throws Exception {
        return ((Store) ((SessionLocal) connection.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore())
                .getMvStore();
    }
}
