package dev.quorumcommit.twopc.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With H2's background writer on, a commit is in memory only until something writes it; the sync writes it and
 * forces the file. What is "in the file" is judged the way a crash would: a copy of the file, opened on its own.
 */
class H2FileSyncTest {

    @TempDir
    Path dir;

    private int copies;

    @Test
    void aCommitTheBackgroundWriterHasNotWrittenYetIsInTheFileOnceSynced() throws Exception {
        assertACommitIsInTheFileOnceSyncedAndNotBefore(file("db"), "db");
    }

    /**
     * The commits a sync covers hold their connections while they wait for it: with the pool's every connection so
     * held, a sync that needed one of its own waited for the pool's timeout and failed them all.
     */
    @Test
    void aSyncNeedsNoConnectionFromThePoolOnceItHasRun() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("pooled"));
        config.setUsername("sa");
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(250);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            H2FileSync sync = new H2FileSync(pool);
            sync.run(); // at start-up, the pool idle
            try (Connection theOnlyOne = pool.getConnection(); Statement statement = theOnlyOne.createStatement()) {
                statement.execute("create table item (id int primary key)");
                statement.execute("SET WRITE_DELAY 60000"); // nothing but the sync writes the file during the test
                sync.run();
                statement.executeUpdate("insert into item values (1)");

                assertThatCode(sync::run).as("synced while its committer holds the pool's only connection")
                        .doesNotThrowAnyException();
                assertThat(rowsInACopyOf("pooled")).isEqualTo(1);
            }
        }
    }

    /** A database an H2 server runs, even in this JVM, is out of the engine's reach: CHECKPOINT SYNC, through the pool. */
    @Test
    void aDatabaseOfAnH2ServerIsSyncedByCheckpoint() throws Exception {
        Server server = Server.createTcpServer("-tcpPort", "0", "-baseDir", dir.toString(), "-ifNotExists").start();
        try {
            JdbcDataSource remote = new JdbcDataSource();
            remote.setURL("jdbc:h2:tcp://localhost:" + server.getPort() + "/served");
            remote.setUser("sa");
            assertACommitIsInTheFileOnceSyncedAndNotBefore(remote, "served");
        } finally {
            server.stop();
        }
    }

    @Test
    void aDatabaseWithoutAFileHasNothingToSync() {
        JdbcDataSource inMemory = new JdbcDataSource();
        inMemory.setURL("jdbc:h2:mem:sync-" + System.nanoTime());

        assertThatCode(new H2FileSync(inMemory)::run).doesNotThrowAnyException();
    }

    private void assertACommitIsInTheFileOnceSyncedAndNotBefore(DataSource dataSource, String name) throws Exception {
        H2FileSync sync = new H2FileSync(dataSource);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("create table item (id int primary key)");
            // The background writer writes what is committed a minute later at most: not during this test.
            statement.execute("SET WRITE_DELAY 60000");
            sync.run();
            statement.executeUpdate("insert into item values (1)");

            assertThat(rowsInACopyOf(name)).as("committed, not written: what a kill -9 would take back").isZero();

            sync.run();

            assertThat(rowsInACopyOf(name)).isEqualTo(1);
        }
    }

    private JdbcDataSource file(String name) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve(name));
        dataSource.setUser("sa");
        return dataSource;
    }

    /** Opens a copy of the database's file as it is now, as H2 would open it after a crash. */
    private long rowsInACopyOf(String name) throws IOException, SQLException {
        String copy = name + "-copy-" + ++copies;
        Files.copy(dir.resolve(name + ".mv.db"), dir.resolve(copy + ".mv.db"));
        try (Connection connection = file(copy).getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from item")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
