package dev.quorumcommit.twopc.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends what many threads ask for at once as one request: the group commit of {@link
 * dev.quorumcommit.twopc.local.GroupCommit}, applied to a remote call. Each caller {@link #submit submits}
 * its own item and gets its own answer; whatever was submitted while the requests in flight were busy
 * goes out together in the next one. With no load an item leaves at once, alone, so batching costs no
 * waiting: there is no timer, only the requests in flight ({@code maxInFlight}) to wait for.
 * <p>
 * Why by hand: it is a few dozen lines around a queue, and a library for it (a reactive buffer, say) would
 * bring its own threads and its own notion of time into a path that has neither.
 * <p>
 * A request that fails fails every item in it, each with the same exception: a caller that retries
 * retries its own item, in a later batch. So the items of one batch must not depend on each other, and
 * the request must answer each item as if it had come alone.
 *
 * @param <I> what one caller asks
 * @param <O> what that caller is answered
 */
public final class Batcher<I, O> {

    private final Function<List<I>, List<O>> send;
    private final int maxBatch;
    private final int maxInFlight;
    private final Executor executor;
    private final Queue<Pending<I, O>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param send        sends one request with the items, in order; answers one result per item, in the same order
     * @param maxBatch    the most items one request carries
     * @param maxInFlight the most requests under way at once; the fewer, the larger the batches under load
     * @param executor    runs the requests (virtual threads: they mostly wait on the network)
     */
    public Batcher(Function<List<I>, List<O>> send, int maxBatch, int maxInFlight, Executor executor) {
        if (maxBatch < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxBatch and maxInFlight must be at least 1");
        }
        this.send = send;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.executor = executor;
    }

    /** Completes with this item's answer, or with the exception its request failed with. */
    public CompletableFuture<O> submit(I item) {
        return enqueue(item).answer();
    }

    /**
     * Submits the item and waits for its answer: for callers that would block on a request of their own anyway.
     * The request's exception reaches the caller as it was thrown. A caller interrupted while its item is still
     * queued withdraws it, as one whose wait ran out does in {@link #call(Object, Duration)}.
     */
    public O call(I item) {
        try {
            return call(item, null);
        } catch (TimeoutException e) {
            throw new IllegalStateException("an unbounded wait timed out", e); // cannot happen: no time limit
        }
    }

    /**
     * Like {@link #call(Object)}, waiting at most {@code wait} for the answer. An item still queued when the wait
     * ends is withdrawn and never sent; one already on its way may still be applied, and its answer is dropped.
     * So a caller that gives up leaves no growing queue behind it when the other end stops answering, only the
     * requests already in flight.
     *
     * @throws TimeoutException when no answer came in time; its message says whether the item was withdrawn
     */
    public O call(I item, Duration wait) throws TimeoutException {
        Pending<I, O> pending = enqueue(item);
        try {
            try {
                return wait == null ? pending.answer().get() : pending.answer().get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (queue.remove(pending)) {
                    throw new TimeoutException("not sent within " + wait + " (still queued: withdrawn)");
                }
                if (!pending.answer().isDone()) {
                    throw new TimeoutException("sent, but not answered within " + wait + " (it may still be applied)");
                }
                return pending.answer().get(); // answered in the instant between: an answer is not thrown away
            }
        } catch (InterruptedException e) {
            // As with a wait that ran out (a service stopping interrupts its callers): withdrawn if still queued,
            // otherwise it may still be applied.
            boolean withdrawn = queue.remove(pending);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batched request"
                    + (withdrawn ? " (still queued: withdrawn)" : " (sent: it may still be applied)"), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Pending<I, O> enqueue(I item) {
        Pending<I, O> pending = new Pending<>(item, new CompletableFuture<>());
        queue.add(pending);
        dispatch();
        return pending;
    }

    /**
     * Starts a request if one may start and items wait. Called after every submit and after every request:
     * an item queued while all requests were in flight is picked up by the first of them to finish.
     */
    private void dispatch() {
        while (!queue.isEmpty()) {
            int running = inFlight.get();
            if (running >= maxInFlight) {
                return;
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Pending<I, O>> batch = new ArrayList<>();
            for (Pending<I, O> next; batch.size() < maxBatch && (next = queue.poll()) != null; ) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                inFlight.decrementAndGet(); // another dispatch took them; look again, items may have come since
                continue;
            }
            try {
                executor.execute(() -> run(batch));
            } catch (RuntimeException e) { // a closed executor: the service is stopping
                inFlight.decrementAndGet();
                batch.forEach(p -> p.answer().completeExceptionally(e));
            }
        }
    }

    private void run(List<Pending<I, O>> batch) {
        try {
            List<O> answers = send.apply(batch.stream().map(Pending::item).toList());
            if (answers == null || answers.size() != batch.size()) {
                throw new IllegalStateException("a batch of " + batch.size() + " was answered with "
                        + (answers == null ? "nothing" : answers.size() + " results"));
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer().complete(answers.get(i));
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(p -> p.answer().completeExceptionally(e));
        } finally {
            inFlight.decrementAndGet();
            dispatch();
        }
    }

    /** Each its own answer, so no two are equal, whatever their items: withdrawing one never takes another. */
    private record Pending<I, O>(I item, CompletableFuture<O> answer) {
    }
}
