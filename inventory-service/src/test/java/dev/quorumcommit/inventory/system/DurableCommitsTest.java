package dev.quorumcommit.inventory.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.inventory.InMemoryRegisterConfiguration;
import dev.quorumcommit.twopc.local.SyncingJpaTransactionManager;

/**
 * A commit of the service is in its file, and the file on the disk, when the commit returns: H2 keeps commits in
 * memory until its background writer gets to them (WRITE_DELAY, 500 ms), so a kill -9 could take back what the
 * protocol had acted on (a YES vote, a recorded decision), and H2 syncs its file only when told to (a power cut
 * could take back what was written). The service's transaction manager writes and syncs before a commit returns.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("test")
@Import(InMemoryRegisterConfiguration.class)
class DurableCommitsTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void fileDatabase(DynamicPropertyRegistry properties) {
        // H2's background writer held off for the test: only the transaction manager's sync may put a commit in the file.
        properties.add("spring.datasource.url", () -> "jdbc:h2:file:" + dir.resolve("inventory") + ";WRITE_DELAY=60000");
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Test
    void aCommitThroughTheServicesTransactionManagerIsInTheFileWhenItReturns() throws Exception {
        String txId = "durable-" + System.nanoTime();

        new TransactionTemplate(transactionManager).executeWithoutResult(s -> jdbc.update(
                "insert into twopc_barrier (tx_id, state, since) values (?, 'ABORTED', current_timestamp)", txId));

        // A copy of the file as it is now is what a kill -9 would leave: H2 opens it as it would after a crash.
        Path copy = dir.resolve("copy-" + txId);
        Files.copy(dir.resolve("inventory.mv.db"), Path.of(copy + ".mv.db"));
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + copy, "sa", "");
                PreparedStatement query = connection.prepareStatement("select count(*) from twopc_barrier where tx_id = ?")) {
            query.setString(1, txId);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).isOne();
            }
        }
    }

    @Test
    void theServiceCommitsThroughTheSyncingTransactionManagerWhoseSyncWorksOnTheFile() {
        // What the manager does is order-service's DurableCommitsTest; here, that inventory is wired to it.
        assertThat(transactionManager).isInstanceOf(SyncingJpaTransactionManager.class);
        SyncingJpaTransactionManager syncing = (SyncingJpaTransactionManager) transactionManager;
        long before = syncing.syncs();

        new TransactionTemplate(syncing).executeWithoutResult(s -> jdbc.update(
                "insert into twopc_barrier (tx_id, state, since) values (random_uuid(), 'ABORTED', current_timestamp)"));

        assertThat(syncing.syncs()).isGreaterThan(before);
    }
}
