package dev.quorumcommit.order.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.twopc.local.GroupCommit;
import dev.quorumcommit.twopc.local.SyncingJpaTransactionManager;

/**
 * A commit of the service is in its file, and the file on the disk, when the commit returns: H2 keeps commits in
 * memory until its background writer gets to them (WRITE_DELAY, 500 ms), so a kill -9 could take back what the
 * protocol had acted on (a YES vote, a recorded decision), and H2 syncs its file only when told to (a power cut
 * could take back what was written). The service's transaction manager writes and syncs before a commit returns,
 * and a read returns only what the disk has.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("test")
class DurableCommitsTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void fileDatabase(DynamicPropertyRegistry properties) {
        // H2's background writer held off for the test: only the transaction manager's sync may put a commit in the file.
        properties.add("spring.datasource.url", () -> "jdbc:h2:file:" + dir.resolve("order") + ";WRITE_DELAY=60000");
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Autowired
    EntityManagerFactory entityManagerFactory;

    @Autowired
    EntityManager entities;

    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void aCommitThroughTheServicesTransactionManagerIsInTheFileWhenItReturns() throws Exception {
        String txId = "durable-" + System.nanoTime();

        new TransactionTemplate(transactionManager).executeWithoutResult(s -> jdbc.update(
                "insert into twopc_barrier (tx_id, state, since) values (?, 'ABORTED', current_timestamp)", txId));

        // A copy of the file as it is now is what a kill -9 would leave: H2 opens it as it would after a crash.
        Path copy = dir.resolve("copy-" + txId);
        Files.copy(dir.resolve("order.mv.db"), Path.of(copy + ".mv.db"));
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
        assertThat(transactionManager).isInstanceOf(SyncingJpaTransactionManager.class);
        SyncingJpaTransactionManager syncing = (SyncingJpaTransactionManager) transactionManager;
        long before = syncing.syncs();

        new TransactionTemplate(syncing).executeWithoutResult(s -> write());

        // At least: the service's own background work (recovery passes) may commit meanwhile.
        assertThat(syncing.syncs()).isGreaterThan(before);
    }

    @Test
    void everyReadWriteCommitIsSyncedOnceAndNoReadOnlyOne() {
        AtomicInteger syncs = new AtomicInteger();
        TransactionTemplate transactions = new TransactionTemplate(manager(syncs::incrementAndGet));

        transactions.executeWithoutResult(s -> write());
        transactions.executeWithoutResult(s -> write());
        SyncingJpaTransactionManager.forReads(transactions).executeWithoutResult(s -> read());

        assertThat(syncs).hasValue(2);
    }

    @Test
    void aCommitThatCouldNotBeSyncedIsReportedAsFailedThoughItCommitted() {
        TransactionTemplate transactions = new TransactionTemplate(manager(() -> {
            throw new IllegalStateException("disk gone");
        }));
        long before = read();

        // Told it failed, so nobody acts on it as durable; it did commit, so a retry finds it (the protocol's steps
        // are idempotent).
        assertThatThrownBy(() -> transactions.executeWithoutResult(s -> write()))
                .isInstanceOf(TransactionSystemException.class).hasRootCauseMessage("disk gone");
        assertThat(read()).isEqualTo(before + 1);
    }

    @Test
    void theGroupCommitGoesOnCommittingWhileTheCallersOfItsLastGroupWaitForTheDisk() throws Exception {
        Semaphore syncStarted = new Semaphore(0);
        Semaphore release = new Semaphore(0);
        SyncingJpaTransactionManager manager = manager(() -> {
            syncStarted.release();
            release.acquireUninterruptibly();
        });
        try (GroupCommit group = GroupCommit.forJpa("test", new TransactionTemplate(manager), entities, 64)) {
            long before = read();
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> group.execute(this::writeOne), callers);
            assertThat(syncStarted.tryAcquire(5, TimeUnit.SECONDS)).as("the first unit committed; its sync runs").isTrue();

            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> group.execute(this::writeOne), callers);

            await().atMost(Duration.ofSeconds(5)).until(() -> read() == before + 2);
            assertThat(first).as("not answered before the disk has it").isNotDone();
            assertThat(second).isNotDone();
            release.release(2);
            CompletableFuture.allOf(first, second).get(5, TimeUnit.SECONDS);
            assertThat(manager.syncs()).as("the second commit came after the first sync had started").isEqualTo(2);
        } finally {
            release.release(2);
        }
    }

    @Test
    void aReadThatCouldHaveSeenACommitStillWaitingForTheDiskReturnsOnlyOnceItIsSynced() throws Exception {
        Semaphore syncStarted = new Semaphore(0);
        Semaphore release = new Semaphore(0);
        SyncingJpaTransactionManager manager = manager(() -> {
            syncStarted.release();
            release.acquireUninterruptibly();
        });
        try {
            TransactionTemplate transactions = new TransactionTemplate(manager);
            long before = read();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(
                    () -> transactions.executeWithoutResult(s -> write()), callers);
            assertThat(syncStarted.tryAcquire(5, TimeUnit.SECONDS)).as("the write committed; its sync runs").isTrue();

            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(
                    () -> SyncingJpaTransactionManager.forReads(transactions).execute(s -> read()), callers);

            // Whether it waits can only be seen by waiting: half a second, in which it would otherwise have returned.
            assertThatThrownBy(() -> reader.get(500, TimeUnit.MILLISECONDS))
                    .as("not answered before the disk has what it could have read").isInstanceOf(TimeoutException.class);
            release.release(2);
            assertThat(reader.get(5, TimeUnit.SECONDS)).as("it read the commit").isEqualTo(before + 1);
            writer.get(5, TimeUnit.SECONDS);
            assertThat(manager.syncs()).as("one sync covered both").isEqualTo(1);
        } finally {
            release.release(2);
        }
    }

    private SyncingJpaTransactionManager manager(Runnable sync) {
        SyncingJpaTransactionManager manager = new SyncingJpaTransactionManager(sync);
        manager.setEntityManagerFactory(entityManagerFactory);
        manager.afterPropertiesSet();
        return manager;
    }

    private Void writeOne() {
        write();
        return null;
    }

    private void write() {
        jdbc.update("insert into twopc_barrier (tx_id, state, since) values (random_uuid(), 'ABORTED', current_timestamp)");
    }

    private long read() {
        return jdbc.queryForObject("select count(*) from twopc_barrier", Long.class);
    }
}
