package dev.quorumcommit.consensus.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.quorumcommit.consensus.raft.Entry;
import dev.quorumcommit.consensus.raft.HardState;
import dev.quorumcommit.consensus.raft.Message;
import dev.quorumcommit.consensus.raft.NotLeader;
import dev.quorumcommit.consensus.raft.ProposeResult;
import dev.quorumcommit.consensus.raft.RaftNode;
import dev.quorumcommit.consensus.raft.ReadIndexResult;
import dev.quorumcommit.consensus.raft.ReadState;
import dev.quorumcommit.consensus.raft.Ready;
import dev.quorumcommit.consensus.raft.Role;
import dev.quorumcommit.consensus.raft.Snapshot;
import dev.quorumcommit.consensus.raft.SoftState;
import dev.quorumcommit.consensus.statemachine.ApplyResult;
import dev.quorumcommit.consensus.statemachine.ReplicatedStateMachine;
import dev.quorumcommit.consensus.storage.RaftStorage;
import dev.quorumcommit.consensus.transport.PeerTransport;

/**
 * The one thread that owns the Raft core. Everything that touches the core (ticks, peer messages,
 * proposals, reads) arrives as an event in one queue and is handled in order, so the core needs no
 * locks and the order of events is obvious from the log. Each turn of the loop carries out the
 * core's {@link Ready} exactly as its contract says: persist and sync (one fsync for everything the
 * turn produced: group commit), send, apply, release reads, advance. The one liberty, which the contract
 * allows: a leader's appends and heartbeats leave before its own sync (see {@link #sendAheadOfSync}).
 *
 * <p>While the loop is busy with an fsync, new proposals queue up and go into the next batch: under
 * load, many client writes share one append and one fsync.
 */
final class RaftDriver implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);
    private static final int SNAPSHOT_EVERY_RETAINED = 5;
    /**
     * Also snapshot once this many bytes of commands were applied since the last snapshot: the entries after it stay
     * in memory until it is written, and counted alone they were 60,000 entries of some 700 bytes (order-service's
     * batches of decisions), 42 MB of a 256 MB node. The consensus benchmark's entries of 100 bytes reach the count
     * first, as before.
     */
    static final long SNAPSHOT_EVERY_BYTES = 16L << 20;

    /** What other threads ask of the loop. */
    sealed interface Event {
        record Incoming(List<Message> messages) implements Event { }
        record Propose(byte[] command, CompletableFuture<ApplyResult> result, long startNanos) implements Event { }
        record Read(CompletableFuture<Void> result) implements Event { }
        record Transfer(String to, CompletableFuture<Boolean> result) implements Event { }
        record SnapshotWritten(Snapshot snapshot, RuntimeException failure) implements Event { }
        record Stop() implements Event { }
    }

    private record Pending(long term, CompletableFuture<ApplyResult> result, long startNanos) { }

    private record WaitingRead(long index, CompletableFuture<Void> result) { }

    private final String nodeId;
    /** Set once, when the loop stops on a failure: from then on {@link #submit} answers instead of queueing. */
    private volatile RuntimeException stopped;
    private final RaftNode core;
    private final RaftStorage storage;
    private final ReplicatedStateMachine stateMachine;
    private final PeerTransport transport;
    private final RaftMetrics metrics;
    private final StatusPublisher status;
    private final long tickNanos;
    private final int retainedEntries;
    private final BlockingQueue<Event> inbox = new LinkedBlockingQueue<>();
    private final Map<Long, Pending> proposals = new HashMap<>();
    private final Map<Long, CompletableFuture<Void>> unconfirmedReads = new HashMap<>();
    private final List<WaitingRead> confirmedReads = new ArrayList<>();
    private long nextReadId = 1;
    private HardState persistedHardState;
    private HardState latestHardState;
    private long persistedAtNanos;
    private long snapshotIndex;
    private final long snapshotEveryBytes;
    /** Bytes of the commands applied since the last snapshot was taken or installed. */
    private long appliedBytesSinceSnapshot;
    private boolean snapshotBeingWritten;
    private final ExecutorService snapshotWriter;
    private SoftState soft = new SoftState(Role.FOLLOWER, null, 0);

    RaftDriver(String nodeId, RaftNode core, RaftStorage storage, ReplicatedStateMachine stateMachine,
               PeerTransport transport, RaftMetrics metrics, StatusPublisher status, long tickNanos, int retainedEntries,
               long snapshotEveryBytes) {
        this.nodeId = nodeId;
        this.core = core;
        this.storage = storage;
        this.stateMachine = stateMachine;
        this.transport = transport;
        this.metrics = metrics;
        this.status = status;
        this.tickNanos = tickNanos;
        this.retainedEntries = retainedEntries;
        this.snapshotEveryBytes = snapshotEveryBytes;
        this.snapshotIndex = storage.snapshotMetadata().lastIncludedIndex();
        this.snapshotWriter = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("raft-snapshot-" + nodeId).factory());
        this.persistedHardState = storage.hardState();
        this.latestHardState = persistedHardState;
    }

    void submit(Event event) {
        RuntimeException stopped = this.stopped;
        if (stopped == null) {
            inbox.add(event);
            return;
        }
        // Nothing reads the inbox any more: answer at once, and let peers' messages go (they would only pile up).
        switch (event) {
            case Event.Propose propose -> propose.result().completeExceptionally(stopped);
            case Event.Read read -> read.result().completeExceptionally(stopped);
            case Event.Transfer transfer -> transfer.result().complete(false);
            case Event.Incoming ignored -> { }
            case Event.SnapshotWritten ignored -> { }
            case Event.Stop ignored -> { }
        }
    }

    int pendingProposals() {
        return proposals.size();
    }

    @Override
    public void run() {
        MDC.put("term", " term " + persistedHardState.term()); // logging.pattern.correlation shows it on every line
        long nextTick = System.nanoTime() + tickNanos;
        List<Event> batch = new ArrayList<>();
        try {
            while (true) {
                long wait = nextTick - System.nanoTime();
                Event first = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch, 4_096);
                    for (Event event : batch) {
                        if (event instanceof Event.Stop) {
                            failEverything(new NodeUnavailableException("node " + nodeId + " is shutting down"));
                            return;
                        }
                        handle(event);
                    }
                    batch.clear();
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    core.tick();
                    // After a long pause (GC, a slow disk) tick once, not a burst: time is not made up.
                    nextTick = now - nextTick > tickNanos ? now + tickNanos : nextTick + tickNanos;
                }
                processReady();
                persistCommitIndexLazily();
                maybeSnapshot();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // A storage failure (a full disk) must not be acknowledged as success, nor retried blindly:
            // the node stops taking part, and says why. Its data up to the last sync is intact.
            log.error("[{}] the Raft loop stopped: {}", nodeId, e.toString(), e);
            NodeUnavailableException cause = new NodeUnavailableException("node " + nodeId + " stopped: " + e.getMessage(), e);
            stopped = cause;
            failEverything(cause);
            drainInbox();
            status.stopped(e);
        } finally {
            stopSnapshotWriter();
        }
    }

    /** A snapshot file still being written is finished (it is valid on its own), so that storage closes after it. */
    private void stopSnapshotWriter() {
        snapshotWriter.shutdown();
        try {
            if (!snapshotWriter.awaitTermination(4, TimeUnit.SECONDS)) {
                log.warn("[{}] a snapshot was still being written when the node stopped", nodeId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(Event event) {
        switch (event) {
            case Event.Incoming in -> in.messages().forEach(core::step);
            case Event.Propose p -> propose(p);
            case Event.Read r -> read(r);
            case Event.Transfer t -> t.result().complete(core.transferLeadership(t.to()));
            case Event.SnapshotWritten written -> snapshotWritten(written);
            case Event.Stop s -> { }
        }
    }

    private void propose(Event.Propose p) {
        if (p.result().isDone()) {
            return; // the caller gave up while the event waited: do not append what nobody waits for
        }
        switch (core.propose(p.command())) {
            case ProposeResult.Accepted accepted -> proposals.put(accepted.index(), new Pending(accepted.term(), p.result(), p.startNanos()));
            case NotLeader notLeader -> p.result().completeExceptionally(new NotLeaderException(notLeader.leaderId()));
        }
    }

    private void read(Event.Read r) {
        long id = nextReadId++;
        switch (core.readIndex(id)) {
            case ReadIndexResult.Queued queued -> unconfirmedReads.put(id, r.result());
            case NotLeader notLeader -> r.result().completeExceptionally(new NotLeaderException(notLeader.leaderId()));
        }
    }

    private void processReady() {
        while (core.hasReady()) {
            Ready rd = core.ready();
            List<Message> afterSync = sendAheadOfSync(rd);
            persist(rd);
            transport.send(afterSync);
            apply(rd.committedEntries());
            for (ReadState readState : rd.readStates()) {
                CompletableFuture<Void> read = unconfirmedReads.remove(readState.requestId());
                if (read != null) {
                    confirmedReads.add(new WaitingRead(readState.index(), read));
                }
            }
            core.advance(rd);
            releaseReads();
            if (rd.softState() != null) {
                roleChanged(rd.softState());
            }
            status.publish(core.status());
        }
    }

    /**
     * Sends a leader's appends and heartbeats at once, so that the followers write and sync the entries while this
     * node syncs its own copy (Raft thesis 10.2.1; etcd does the same): the fsyncs overlap instead of adding up.
     * This is safe because the core counts the leader's own copy towards a quorum only in {@code advance}, after
     * the sync, so nothing commits, applies or is acknowledged before a majority including, or not needing, this
     * node has it on disk; and because such a message carries only a term already on disk (a message that depends on
     * a term or vote this Ready still has to persist waits). Everything else (votes, answers to a leader, which
     * promise what this node has stored) still leaves only after the sync. Returns the messages to send after it.
     */
    private List<Message> sendAheadOfSync(Ready rd) {
        HardState next = rd.hardState();
        boolean termOnDisk = next == null || (next.term() == persistedHardState.term()
                && Objects.equals(next.votedFor(), persistedHardState.votedFor()));
        if (!termOnDisk || rd.snapshot() != null) {
            return rd.messages();
        }
        List<Message> ahead = new ArrayList<>();
        List<Message> after = new ArrayList<>();
        for (Message message : rd.messages()) {
            boolean leaderTraffic = message instanceof Message.AppendEntries || message instanceof Message.Heartbeat;
            (leaderTraffic && message.term() == persistedHardState.term() ? ahead : after).add(message);
        }
        transport.send(ahead);
        return after;
    }

    private void persist(Ready rd) {
        if (rd.snapshot() != null) {
            storage.saveSnapshot(rd.snapshot());
            stateMachine.restore(rd.snapshot().data());
            snapshotIndex = rd.snapshot().metadata().lastIncludedIndex();
            appliedBytesSinceSnapshot = 0;
            failProposalsCoveredBy(snapshotIndex);
            log.info("[{}] installed snapshot {} from the leader", nodeId, rd.snapshot().metadata());
        }
        if (rd.hardState() != null) {
            latestHardState = rd.hardState();
        }
        boolean termOrVoteChanged = rd.hardState() != null && termOrVoteChanged(rd.hardState());
        if (termOrVoteChanged) {
            writeHardState(rd.hardState());
        }
        if (!rd.entries().isEmpty()) {
            storage.append(rd.entries());
            metrics.appendBatch(rd.entries().size());
        }
        if (termOrVoteChanged || !rd.entries().isEmpty()) {
            sync();
        }
    }

    /** Term and vote must be on disk before any message that depends on them leaves (Raft paper, figure 2). */
    private boolean termOrVoteChanged(HardState next) {
        return next.term() != persistedHardState.term() || !Objects.equals(next.votedFor(), persistedHardState.votedFor());
    }

    /**
     * The commit index need not be on disk before anything: it is volatile state that a restarted node learns again
     * from the leader, and storing it only spares re-applying. So it is written at most once a second, after the
     * turn's answers have left: its fsync (a second file) never delays a write's acknowledgement.
     */
    private void persistCommitIndexLazily() {
        if (latestHardState.commitIndex() != persistedHardState.commitIndex()
                && System.nanoTime() - persistedAtNanos > 1_000_000_000L) {
            writeHardState(latestHardState);
            sync();
        }
    }

    private void writeHardState(HardState state) {
        storage.setHardState(state);
        persistedHardState = state;
        persistedAtNanos = System.nanoTime();
    }

    private void sync() {
        long start = System.nanoTime();
        storage.sync();
        metrics.fsync(System.nanoTime() - start);
    }

    private void apply(List<Entry> committed) {
        for (Entry entry : committed) {
            ApplyResult result = stateMachine.apply(entry);
            appliedBytesSinceSnapshot += entry.command().length;
            Pending pending = proposals.remove(entry.index());
            if (pending == null) {
                continue;
            }
            if (pending.term() == entry.term()) {
                metrics.proposal(System.nanoTime() - pending.startNanos());
                pending.result().complete(result);
            } else {
                // Another leader's entry took this index: ours was dropped and will never commit.
                pending.result().completeExceptionally(new NodeUnavailableException(
                        "the proposal at index " + entry.index() + " was superseded by a new leader; retry it"));
            }
        }
    }

    /**
     * The entries a snapshot from the leader covers are never applied here, so {@link #apply} never answers their
     * proposals (left over from when this node led). Some may have committed (the snapshot holds them), others were
     * overwritten: which is unknown here, so each is answered as a lost proposal, one whose fate is unknown.
     */
    private void failProposalsCoveredBy(long index) {
        for (Iterator<Map.Entry<Long, Pending>> it = proposals.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Pending> proposal = it.next();
            if (proposal.getKey() <= index) {
                it.remove();
                proposal.getValue().result().completeExceptionally(new NodeUnavailableException("the proposal at index "
                        + proposal.getKey() + " was covered by a snapshot from a new leader before this node applied it,"
                        + " so this node cannot tell whether it committed; it may still have been applied"));
            }
        }
    }

    private void releaseReads() {
        long applied = stateMachine.lastApplied();
        for (Iterator<WaitingRead> it = confirmedReads.iterator(); it.hasNext(); ) {
            WaitingRead read = it.next();
            if (read.index() <= applied) {
                read.result().complete(null);
                it.remove();
            }
        }
    }

    private void roleChanged(SoftState next) {
        MDC.put("term", " term " + next.term());
        boolean leaderChanged = next.leaderId() != null && !next.leaderId().equals(soft.leaderId());
        if (leaderChanged) {
            metrics.leaderChanged();
        }
        if (next.role() != soft.role() || leaderChanged) {
            log.info("[{}] term {}: {} (leader {})", nodeId, next.term(), next.role(), next.leaderId());
        }
        if (soft.role() == Role.LEADER && next.role() != Role.LEADER) {
            // Reads not yet confirmed by a quorum can no longer be: the caller may safely retry them.
            NodeUnavailableException lost = new NodeUnavailableException("leadership was lost before the read was confirmed");
            unconfirmedReads.values().forEach(f -> f.completeExceptionally(lost));
            unconfirmedReads.clear();
        }
        soft = next;
    }

    /**
     * Snapshots the state machine every {@link #SNAPSHOT_EVERY_RETAINED} times {@code retainedEntries} applied
     * entries, or sooner once they were {@code snapshotEveryBytes} of commands ({@link #SNAPSHOT_EVERY_BYTES}), and
     * compacts the Raft log to keep {@code retainedEntries} behind the snapshot (the state machine trims its own
     * readable log as it applies), so a slow follower can usually catch up from the log and only a
     * far-behind one needs InstallSnapshot. Not more often: a snapshot holds the whole readable log (a megabyte at
     * the default 10,000 entries of 100 bytes), and arrays that large are "humongous" to G1, each one starting a
     * concurrent collection whose pauses were the p99 at 10,000 writes/s when it snapshotted twice a second.
     * etcd, likewise, snapshots every 100,000 entries.
     *
     * <p>The state is only captured here (a shallow copy of its maps, milliseconds); it is encoded, and its file
     * written and synced, on a thread of its own (encoding 12 MB of decision keys took half a second, and a new file
     * and a directory entry are several fsyncs, tens of milliseconds on a busy disk) while this loop goes on committing;
     * the log is compacted only once the file is durable ({@link #snapshotWritten}). etcd does the same.
     */
    private void maybeSnapshot() {
        long applied = stateMachine.lastApplied();
        boolean manyEntries = applied - snapshotIndex >= (long) SNAPSHOT_EVERY_RETAINED * retainedEntries;
        boolean manyBytes = appliedBytesSinceSnapshot >= snapshotEveryBytes && applied > snapshotIndex;
        if (snapshotBeingWritten || !manyEntries && !manyBytes) {
            return;
        }
        appliedBytesSinceSnapshot = 0;
        long started = System.nanoTime();
        Supplier<Snapshot> captured = stateMachine.captureSnapshot();
        long capturedMicros = (System.nanoTime() - started) / 1_000;
        snapshotBeingWritten = true;
        snapshotWriter.execute(() -> {
            long encodeStarted = System.nanoTime();
            Snapshot snapshot = null;
            RuntimeException failure = null;
            try {
                snapshot = captured.get();
                log.info("[{}] snapshot at {}: {} bytes, captured on the loop in {} µs, encoded in {} ms", nodeId,
                        snapshot.metadata().lastIncludedIndex(), snapshot.data().length, capturedMicros,
                        (System.nanoTime() - encodeStarted) / 1_000_000);
                storage.writeSnapshotFile(snapshot);
            } catch (RuntimeException e) {
                failure = e;
            }
            submit(new Event.SnapshotWritten(snapshot, failure));
        });
    }

    private void snapshotWritten(Event.SnapshotWritten written) {
        snapshotBeingWritten = false;
        if (written.failure() != null) {
            throw written.failure(); // a storage failure: the loop stops, as for a failed append
        }
        Snapshot snapshot = written.snapshot();
        if (snapshot.metadata().lastIncludedIndex() <= snapshotIndex) {
            return; // a newer snapshot came from the leader meanwhile
        }
        storage.adoptSnapshot(snapshot.metadata());
        core.snapshotTaken(snapshot);
        snapshotIndex = snapshot.metadata().lastIncludedIndex();
        long compactTo = snapshotIndex - retainedEntries;
        if (compactTo > 0) {
            core.compact(compactTo);
            storage.compact(compactTo);
        }
        log.debug("[{}] snapshot at {}, log compacted to {}", nodeId, snapshotIndex, compactTo);
    }

    /** What was handed in before {@link #stopped} was set, answered as {@link #submit} answers what comes after. */
    private void drainInbox() {
        for (Event event; (event = inbox.poll()) != null; ) {
            submit(event);
        }
    }

    private void failEverything(RuntimeException cause) {
        proposals.values().forEach(p -> p.result().completeExceptionally(cause));
        proposals.clear();
        unconfirmedReads.values().forEach(f -> f.completeExceptionally(cause));
        unconfirmedReads.clear();
        confirmedReads.forEach(r -> r.result().completeExceptionally(cause));
        confirmedReads.clear();
    }
}
