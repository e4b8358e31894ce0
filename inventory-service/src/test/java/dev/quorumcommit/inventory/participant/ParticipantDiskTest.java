package dev.quorumcommit.inventory.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.inventory.InMemoryRegisterConfiguration;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.local.GroupCommit;
import dev.quorumcommit.twopc.local.SyncingJpaTransactionManager;
import dev.quorumcommit.twopc.participant.Barrier;
import dev.quorumcommit.twopc.participant.BarrierEntry;
import dev.quorumcommit.twopc.participant.BranchState;

/**
 * A YES vote is answered only once a sync of the database covers it, although the group commit's thread hands
 * the result out as soon as the reservation committed; a read of what the disk has runs no sync. The disk here
 * is a sync that holds until the test lets it go.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("test")
@Import(InMemoryRegisterConfiguration.class)
class ParticipantDiskTest {

    @Autowired
    Barrier barrier;
    @Autowired
    StockEffects effects;
    @Autowired
    EntityManagerFactory entityManagerFactory;
    @Autowired
    EntityManager entities;
    @Autowired
    JdbcTemplate jdbc;

    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore syncStarted = new Semaphore(0);
    private final Semaphore release = new Semaphore(0);

    @AfterEach
    void stop() {
        release.release(100);
        callers.shutdownNow();
    }

    @Test
    void aYesIsAnsweredOnlyOnceTheDiskHasTheReservation() throws Exception {
        SyncingJpaTransactionManager manager = new SyncingJpaTransactionManager(() -> {
            syncStarted.release();
            release.acquireUninterruptibly();
        });
        manager.setEntityManagerFactory(entityManagerFactory);
        manager.afterPropertiesSet();
        TransactionTemplate transactions = new TransactionTemplate(manager);
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.update("insert into stock (sku, available, reserved) values (?, 10, 0)", sku);
        String txId = UUID.randomUUID().toString();

        try (GroupCommit groupCommit = GroupCommit.forJpa("test", transactions, entities, 64)) {
            InventoryParticipant participant = new InventoryParticipant(barrier, effects, transactions, groupCommit);

            CompletableFuture<VoteReply> vote = CompletableFuture.supplyAsync(() -> participant.prepare(txId, sku, 3), callers);
            assertThat(syncStarted.tryAcquire(5, TimeUnit.SECONDS)).as("the reservation committed; its sync runs").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> reserved(sku) == 3);
            assertThat(vote).as("no YES before the disk has it").isNotDone();
            release.release();
            assertThat(vote.get(5, TimeUnit.SECONDS).isYes()).isTrue();

            // Everything is on the disk: reading the barrier row (the inspection route) wrote nothing and runs no sync.
            CompletableFuture<Optional<BarrierEntry>> state = CompletableFuture.supplyAsync(() -> participant.state(txId), callers);
            assertThat(state.get(5, TimeUnit.SECONDS)).hasValueSatisfying(
                    entry -> assertThat(entry.state()).isEqualTo(BranchState.PREPARED));
            assertThat(syncStarted.availablePermits()).isZero();
        }
    }

    private int reserved(String sku) {
        return jdbc.queryForObject("select reserved from stock where sku = ?", Integer.class, sku);
    }
}
