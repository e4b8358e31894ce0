package dev.quorumcommit.twopc.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream of small commits with {@code WRITE_DELAY 0}, as the services make: without compaction H2's file grows
 * by every commit; with it, the file stays a fraction of that and keeps every row.
 */
class H2FileCompactionTest {

    private static final int COMMITS = 4_000;
    private static final String PAYLOAD = "x".repeat(150);

    @TempDir
    Path dir;

    @Test
    void compactionKeepsTheFileFromGrowingWithEveryCommitAndLosesNoRow() throws Exception {
        long grownUncompacted = commitStream("plain", false);
        long grownCompacted = commitStream("compacted", true);

        assertThat(grownCompacted).as("compacted %d bytes vs %d uncompacted", grownCompacted, grownUncompacted)
                .isLessThan(grownUncompacted / 3);
        try (Connection reopened = dataSource("compacted").getConnection();
                ResultSet rows = reopened.createStatement().executeQuery(
                        "select count(*), sum(version) from item where payload = '" + PAYLOAD + "'")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(COMMITS);
            assertThat(rows.getLong(2)).as("every update kept").isEqualTo(COMMITS - 1);
        }
    }

    @Test
    void aDataSourceThatIsNotAnH2FileIsLeftAlone() throws SQLException {
        JdbcDataSource inMemory = new JdbcDataSource();
        inMemory.setURL("jdbc:h2:mem:compaction-" + System.nanoTime());

        assertThat(H2FileCompaction.onDemand(inMemory).compactOnce()).isFalse();
    }

    /** Each commit inserts a row and updates an older one, like an order placed and another one confirmed. */
    private long commitStream(String name, boolean compact) throws SQLException, IOException {
        JdbcDataSource dataSource = dataSource(name);
        H2FileCompaction compaction = H2FileCompaction.onDemand(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            try (Statement setup = connection.createStatement()) {
                setup.execute("SET WRITE_DELAY 0");
                setup.execute("create table item (id bigint primary key, payload varchar(200), version int not null)");
            }
            connection.setAutoCommit(false);
            PreparedStatement insert = connection.prepareStatement("insert into item values (?, ?, 0)");
            PreparedStatement update = connection.prepareStatement("update item set version = version + 1 where id = ?");
            for (int i = 0; i < COMMITS; i++) {
                insert.setLong(1, i);
                insert.setString(2, PAYLOAD);
                insert.executeUpdate();
                if (i > 0) {
                    update.setLong(1, i / 2);
                    update.executeUpdate();
                }
                connection.commit();
                if (compact && i % 100 == 99) {
                    compaction.compactOnce();
                }
            }
            return Files.size(dir.resolve(name + ".mv.db"));
        }
    }

    /**
     * H2 drops a chunk left without live pages only after its retention time (45 s by default, which the services
     * keep); with none here, chunks are dropped as soon as they are dead, so this test sees at once, and the same
     * on every run, what the services see after a minute.
     */
    private JdbcDataSource dataSource(String name) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve(name) + ";RETENTION_TIME=0");
        dataSource.setUser("sa");
        return dataSource;
    }
}
