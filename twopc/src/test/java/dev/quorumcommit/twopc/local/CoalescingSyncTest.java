package dev.quorumcommit.twopc.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one rule of a shared sync: a commit is covered only by a sync that started after it, and every waiter is
 * told either that it is covered or that a sync failed for it. The "disk" here is a sync that holds until the
 * test lets it go, so that the test decides what happens while one runs.
 */
class CoalescingSyncTest {

    private final ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore started = new Semaphore(0);
    private final Semaphore release = new Semaphore(0);
    private final AtomicInteger runs = new AtomicInteger();
    private volatile RuntimeException failNext;

    private final CoalescingSync disk = new CoalescingSync(() -> {
        runs.incrementAndGet();
        started.release();
        release.acquireUninterruptibly();
        RuntimeException failure = failNext;
        failNext = null;
        if (failure != null) {
            throw failure;
        }
    });

    @AfterEach
    void stop() {
        release.release(100);
        waiters.shutdownNow();
    }

    @Test
    void waitersWhoseCommitsCameBeforeASyncStartedShareIt() throws Exception {
        List<Long> tickets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tickets.add(disk.ticket());
        }
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (long ticket : tickets) {
            waiting.add(CompletableFuture.runAsync(() -> disk.awaitSynced(ticket), waiters));
        }
        assertThat(started.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        release.release();

        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        assertThat(runs).hasValue(1);
        assertThat(disk.syncs()).isEqualTo(1);
    }

    @Test
    void aCommitThatCameWhileASyncRanWaitsForTheNextOne() throws Exception {
        long first = disk.ticket();
        CompletableFuture<Void> firstWaiter = CompletableFuture.runAsync(() -> disk.awaitSynced(first), waiters);
        assertThat(started.tryAcquire(5, TimeUnit.SECONDS)).isTrue();

        long second = disk.ticket(); // committed after the running sync started: it may not be on the disk
        CompletableFuture<Void> secondWaiter = CompletableFuture.runAsync(() -> disk.awaitSynced(second), waiters);
        release.release();

        firstWaiter.get(5, TimeUnit.SECONDS);
        assertThat(started.tryAcquire(5, TimeUnit.SECONDS)).as("a second sync, for the second commit").isTrue();
        assertThat(secondWaiter).isNotDone();
        release.release();
        secondWaiter.get(5, TimeUnit.SECONDS);
        assertThat(runs).hasValue(2);
    }

    @Test
    void aFailedSyncIsThrownToWhoRanItAndTheWaitersItWouldHaveCoveredRunTheirOwn() throws Exception {
        long first = disk.ticket();
        long second = disk.ticket();
        failNext = new IllegalStateException("disk gone");
        CompletableFuture<Void> firstWaiter = CompletableFuture.runAsync(() -> disk.awaitSynced(first), waiters);
        assertThat(started.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> secondWaiter = new CompletableFuture<>();
        Thread secondThread = Thread.ofPlatform().start(() -> {
            disk.awaitSynced(second);
            secondWaiter.complete(null);
        });
        // Parked on the running sync, which covers its ticket: if that sync counted although it failed, it would
        // return now without a sync of its own.
        await().atMost(Duration.ofSeconds(5)).until(() -> secondThread.getState() == Thread.State.WAITING);

        release.release();

        assertThatThrownBy(() -> firstWaiter.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("disk gone");
        assertThat(started.tryAcquire(5, TimeUnit.SECONDS)).as("the second waiter syncs again").isTrue();
        release.release();
        secondWaiter.get(5, TimeUnit.SECONDS);
        assertThat(disk.syncs()).isEqualTo(1);
    }

    @Test
    void aTicketOfZeroStandsForNothingAndNeverSyncs() {
        disk.awaitSynced(0);

        assertThat(runs).hasValue(0);
    }

    @Test
    void aWaiterWhoseCommitIsAlreadyCoveredDoesNotSyncAgain() throws Exception {
        long ticket = disk.ticket();
        release.release();
        disk.awaitSynced(ticket);

        disk.awaitSynced(ticket);

        assertThat(runs).hasValue(1);
    }

    @Test
    void theLastTicketCoversEveryCommitThatTookOneAndCostsNothingOnceSynced() throws Exception {
        disk.ticket();
        long second = disk.ticket();
        assertThat(disk.lastTicket()).isEqualTo(second);

        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> disk.awaitSynced(disk.lastTicket()), waiters);
        assertThat(started.tryAcquire(5, TimeUnit.SECONDS)).as("nothing synced yet: the reader runs the sync").isTrue();
        release.release();
        reader.get(5, TimeUnit.SECONDS);

        disk.awaitSynced(disk.lastTicket());
        assertThat(runs).as("the second read found everything synced").hasValue(1);
    }
}
