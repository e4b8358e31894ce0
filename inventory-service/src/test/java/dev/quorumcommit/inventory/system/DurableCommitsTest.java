package dev.quorumcommit.inventory.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

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
 * A file database as the contract's --spring.datasource.url gives it (no options in the URL) writes each
 * commit to its file before the commit returns: H2's default WRITE_DELAY of 500 ms let a kill -9 take back
 * commits the protocol had already acted on (a YES vote, a recorded decision). And each read-write commit is
 * synced to the disk before it returns (a power cut could take back what a kill -9 could not).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("test")
@Import(InMemoryRegisterConfiguration.class)
class DurableCommitsTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void fileDatabase(DynamicPropertyRegistry properties) {
        properties.add("spring.datasource.url", () -> "jdbc:h2:file:" + dir.resolve("inventory"));
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Test
    void aFileDatabaseGivenByUrlAloneWritesEveryCommitBeforeItReturns() {
        // H2 lists the setting twice (as stored and as in force); both must say 0.
        assertThat(jdbc.queryForList("select setting_value from information_schema.settings where setting_name = 'WRITE_DELAY'",
                String.class)).isNotEmpty().containsOnly("0");
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
