package dev.quorumcommit.twopc.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/** Group commit against a real database (H2 in memory, plain JDBC): what each caller sees, and how many commits it took. */
class GroupCommitTest {

    private final AtomicInteger commits = new AtomicInteger();
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private JdbcTemplate jdbc;
    private TransactionTemplate transactions;
    private GroupCommit groupCommit;

    @BeforeEach
    void database() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:group-commit-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("create table item (id varchar(20) primary key)");
        DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource) {
            @Override
            protected void doCommit(DefaultTransactionStatus status) {
                super.doCommit(status);
                commits.incrementAndGet();
            }
        };
        transactions = new TransactionTemplate(manager);
        groupCommit = new GroupCommit("test", transactions, () -> { }, 64);
    }

    @AfterEach
    void close() {
        groupCommit.close();
        callers.shutdownNow();
        jdbc.execute("drop all objects");
    }

    @Test
    void unitsHandedInWhileACommitRunsShareTheNextOneAndEachCallerGetsItsOwnResult() throws Exception {
        CountDownLatch release = holdTheCommitter();
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = "item-" + i;
            results.add(submit(() -> {
                insert(id);
                return id + " done";
            }));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waiting() == 10);
        int before = commits.get();
        release.countDown();

        for (int i = 0; i < 10; i++) {
            assertThat(results.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("item-" + i + " done");
        }
        assertThat(commits.get() - before).as("the holding unit's commit, then one for the ten").isEqualTo(2);
        assertThat(count()).isEqualTo(11);
    }

    @Test
    void aUnitThatThrowsGetsItsExceptionAndTheOthersOfItsGroupCommitWithoutItsWrites() throws Exception {
        CountDownLatch release = holdTheCommitter();
        CompletableFuture<String> first = submit(() -> insert("first"));
        CompletableFuture<String> failing = submit(() -> {
            insert("failing");
            throw new IllegalArgumentException("refused");
        });
        CompletableFuture<String> last = submit(() -> insert("last"));
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waiting() == 3);
        release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(last.get(5, TimeUnit.SECONDS)).isEqualTo("last");
        assertThatThrownBy(() -> failing.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalArgumentException.class).hasMessage("refused");
        assertThat(ids()).containsExactlyInAnyOrder("hold", "first", "last");
    }

    @Test
    void aDuplicateKeyFailsOnlyTheUnitThatWroteItSecond() throws Exception {
        CountDownLatch release = holdTheCommitter();
        CompletableFuture<String> winner = submit(() -> insert("same"));
        CompletableFuture<String> other = submit(() -> insert("other"));
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waiting() == 2);
        CompletableFuture<String> loser = submit(() -> insert("same"));
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waiting() == 3);
        release.countDown();

        assertThat(winner.get(5, TimeUnit.SECONDS)).isEqualTo("same");
        assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("other");
        assertThatThrownBy(() -> loser.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(ids()).containsExactlyInAnyOrder("hold", "same", "other");
    }

    @Test
    void aUnitSeesWhatTheUnitsBeforeItInItsGroupWrote() throws Exception {
        CountDownLatch release = holdTheCommitter();
        submit(() -> insert("a"));
        // Each caller is a thread of its own: without this wait the count could be queued first, and see only "hold".
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waiting() == 1);
        CompletableFuture<Integer> seen = submit(this::count);
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waiting() == 2);
        release.countDown();

        assertThat(seen.get(5, TimeUnit.SECONDS)).as("hold and a").isEqualTo(2);
    }

    @Test
    void aCallerAlreadyInATransactionRunsItsUnitThereAndItRollsBackWithIt() {
        Thread caller = Thread.currentThread();
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
            Thread ranOn = groupCommit.execute(() -> {
                insert("inside");
                return Thread.currentThread();
            });
            assertThat(ranOn).isSameAs(caller);
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
        assertThat(ids()).doesNotContain("inside");
    }

    @Test
    void theCallersMdcTravelsWithItsUnit() throws Exception {
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
            MDC.put("txId", "tx-42");
            try {
                return groupCommit.execute(() -> MDC.get("txId"));
            } finally {
                MDC.remove("txId");
            }
        }, callers);
        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("tx-42");
    }

    @Test
    void closeLetsTheRunningUnitCommitAndFailsWhatWaits() throws Exception {
        CountDownLatch release = holdTheCommitter();
        CompletableFuture<String> waiting = submit(() -> insert("late"));
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waiting() == 1);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(groupCommit::close);
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waiting() == 2); // the waiting unit, then close's
        release.countDown();
        closing.get(5, TimeUnit.SECONDS);

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> groupCommit.execute(() -> insert("after"))).isInstanceOf(IllegalStateException.class);
        assertThat(ids()).containsExactly("hold");
    }

    /** A first unit that holds the committer thread until released, so that the next ones form a group. */
    private CountDownLatch holdTheCommitter() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        submit(() -> {
            insert("hold");
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "hold";
        });
        try {
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return release;
    }

    private <T> CompletableFuture<T> submit(Supplier<T> unit) {
        return CompletableFuture.supplyAsync(() -> groupCommit.execute(unit), callers);
    }

    private String insert(String id) {
        jdbc.update("insert into item (id) values (?)", id);
        return id;
    }

    private int count() {
        return jdbc.queryForObject("select count(*) from item", Integer.class);
    }

    private List<String> ids() {
        return jdbc.queryForList("select id from item", String.class);
    }
}
