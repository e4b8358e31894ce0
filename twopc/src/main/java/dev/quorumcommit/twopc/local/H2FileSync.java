package dev.quorumcommit.twopc.local;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;

/**
 * Writes everything committed to an embedded H2 database's file and forces the file to the disk.
 * <p>
 * H2's own statement for this, {@code CHECKPOINT SYNC}, writes what is unsaved and then forces the file; but
 * when H2's background writer has just taken the unsaved changes for a write it has not finished (it
 * serializes and saves chunks on threads of its own), the statement finds nothing to write and forces the
 * file before that write is in it. So this waits for those writes first ({@link FileStore#executeFileStoreOperation}
 * drains them) and forces the file after. It reaches into H2's engine because H2 has no SQL for it.
 * <p>
 * The store is found once, through a connection, and kept: a sync must not wait for the pool. Every commit it
 * syncs still holds its connection while it waits (Spring releases a transaction's connection only after its
 * commit returns), so with as many commits waiting as the pool has connections, a sync that asked the pool for one
 * waited its whole timeout (30 s), and every one of them failed: 200 orders at once did that. The services make
 * their first sync at start-up, while the pool is idle ({@link DurableCommitsConfiguration}). A database that H2
 * does not run in this process (a server's) is synced with {@code CHECKPOINT SYNC} through the pool, and has that
 * limit.
 */
final class H2FileSync implements Runnable {

    private final DataSource dataSource;
    private volatile MVStore store;
    /** The store the service opened with: the one whose failure {@link FailStop} watches for. */
    private volatile MVStore opened;

    H2FileSync(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void run() {
        MVStore known = store;
        if (known == null || known.isClosed()) {
            known = findStoreOrCheckpoint();
            if (known == null) {
                return; // not embedded: synced by CHECKPOINT SYNC
            }
            store = known;
            if (opened == null) {
                opened = known;
            }
        }
        FileStore<?> file = known.getFileStore();
        if (file == null) {
            return; // in memory: nothing to sync
        }
        known.commit();
        file.executeFileStoreOperation(file::sync);
    }

    /**
     * Why H2 gave up the database this service opened, or null while it has not: a write of its file failed, and H2
     * closed the store in a panic (unlike an orderly close, at shutdown, which leaves no panic behind).
     */
    Throwable databaseFailure() {
        MVStore first = opened;
        return first == null ? null : first.getPanicException();
    }

    private MVStore findStoreOrCheckpoint() {
        try (Connection connection = dataSource.getConnection()) {
            MVStore found = storeOf(connection);
            if (found == null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CHECKPOINT SYNC");
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("could not sync the database file", e);
        }
    }

    private static MVStore storeOf(Connection connection) throws SQLException {
        if (connection.isWrapperFor(JdbcConnection.class)
                && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session
                && session.getDatabase().getStore() instanceof Store store) {
            return store.getMvStore();
        }
        return null;
    }
}
