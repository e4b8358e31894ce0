package dev.quorumcommit.twopc.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class BatcherTest {

    private final List<List<Integer>> sent = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Answers each item with its square, after the gate opens; records each request. */
    private final Function<List<Integer>, List<Integer>> squares = items -> {
        sent.add(items);
        try {
            gate.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return items.stream().map(i -> i * i).toList();
    };

    @Test
    void withoutLoadEachItemLeavesAtOnceAlone() {
        Batcher<Integer, Integer> batcher = new Batcher<>(squares, 10, 1, Thread::startVirtualThread);

        assertThat(batcher.call(3)).isEqualTo(9);
        assertThat(batcher.call(4)).isEqualTo(16);
        assertThat(sent).containsExactly(List.of(3), List.of(4));
    }

    @Test
    void itemsSubmittedWhileTheRequestsAreInFlightLeaveTogetherEachWithItsOwnAnswerUpToTheBatchSize() throws Exception {
        gate = new CountDownLatch(1);
        Batcher<Integer, Integer> batcher = new Batcher<>(squares, 4, 2, Thread::startVirtualThread);
        CompletableFuture<Integer> first = batcher.submit(1);
        CompletableFuture<Integer> second = batcher.submit(2);
        await().until(() -> sent.size() == 2); // both requests in flight, each with one item
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 3; i <= 8; i++) {
            queued.add(batcher.submit(i));
        }
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> sent.size() == 2);

        gate.countDown();
        assertThat(first.get()).isEqualTo(1);
        assertThat(second.get()).isEqualTo(4);
        for (int i = 0; i < queued.size(); i++) {
            assertThat(queued.get(i).get()).isEqualTo((i + 3) * (i + 3));
        }
        assertThat(sent.subList(2, sent.size())).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 4));
        assertThat(sent.subList(2, sent.size()).stream().flatMap(List::stream)).containsExactlyInAnyOrder(3, 4, 5, 6, 7, 8);
        assertThat(sent.size()).isEqualTo(4); // six items queued behind two requests: two more requests of up to four
    }

    @Test
    void aFailedRequestFailsEachOfItsItemsWithItsExceptionAndTheNextRequestGoesOn() {
        IllegalStateException down = new IllegalStateException("down");
        List<List<String>> requests = new CopyOnWriteArrayList<>();
        Batcher<String, String> batcher = new Batcher<>(items -> {
            requests.add(items);
            if (items.contains("bad")) {
                throw down;
            }
            return items;
        }, 10, 1, Thread::startVirtualThread);

        assertThatThrownBy(() -> batcher.call("bad")).isSameAs(down);
        assertThat(batcher.call("good")).isEqualTo("good");
        assertThat(requests).containsExactly(List.of("bad"), List.of("good"));
    }

    @Test
    void anAnswerOfTheWrongLengthFailsTheBatchRatherThanMisassigningAnswers() {
        Batcher<Integer, Integer> batcher = new Batcher<>(items -> List.of(), 10, 1, Thread::startVirtualThread);

        assertThatThrownBy(() -> batcher.submit(1).get()).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("a batch of 1 was answered with 0 results");
    }

    @Test
    void aCallerThatStopsWaitingWithdrawsItsItemIfItIsStillQueuedAndOnlyThen() throws Exception {
        gate = new CountDownLatch(1);
        Batcher<Integer, Integer> batcher = new Batcher<>(squares, 10, 1, Thread::startVirtualThread);
        CompletableFuture<Integer> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return batcher.call(2, Duration.ofMillis(100));
            } catch (TimeoutException e) {
                throw new CompletionException(e);
            }
        });
        await().until(() -> sent.size() == 1); // 2 is on its way: the one request allowed is under way
        CompletableFuture<Integer> staying = batcher.submit(4);

        assertThatThrownBy(() -> batcher.call(3, Duration.ofMillis(50))).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("withdrawn");
        assertThatThrownBy(inFlight::join).hasCauseInstanceOf(TimeoutException.class)
                .hasMessageContaining("may still be applied");
        gate.countDown();

        assertThat(staying.get()).isEqualTo(16);
        assertThat(sent).containsExactly(List.of(2), List.of(4)); // 3 never left; 2 did, its answer dropped
        assertThat(batcher.call(5, Duration.ofSeconds(5))).isEqualTo(25);
    }

    /** A caller interrupted while its item waits (a service stopping) leaves nothing behind to be sent for it. */
    @Test
    void anInterruptedCallerWithdrawsItsQueuedItemToo() throws Exception {
        gate = new CountDownLatch(1);
        Batcher<Integer, Integer> batcher = new Batcher<>(squares, 10, 1, Thread::startVirtualThread);
        CompletableFuture<Integer> first = batcher.submit(2);
        await().until(() -> sent.size() == 1);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread caller = Thread.startVirtualThread(() -> {
            try {
                batcher.call(3);
            } catch (RuntimeException e) {
                failure.complete(e);
            }
        });
        // Parked in its wait, so queued behind the request in flight (nothing before the wait blocks).
        await().until(() -> caller.getState() == Thread.State.WAITING);
        caller.interrupt();

        assertThat(failure.get(5, java.util.concurrent.TimeUnit.SECONDS)).hasMessageContaining("withdrawn");
        gate.countDown();
        assertThat(first.get()).isEqualTo(4);
        assertThat(batcher.call(5)).isEqualTo(25);
        assertThat(sent).containsExactly(List.of(2), List.of(5));
    }
}
