package dev.quorumcommit.consensus.raft;

import dev.quorumcommit.consensus.raft.Message.AppendEntries;
import dev.quorumcommit.consensus.raft.Message.AppendResponse;
import dev.quorumcommit.consensus.raft.Message.Heartbeat;
import dev.quorumcommit.consensus.raft.Message.HeartbeatResponse;
import dev.quorumcommit.consensus.raft.Message.InstallSnapshot;
import dev.quorumcommit.consensus.raft.Message.InstallSnapshotResponse;
import dev.quorumcommit.consensus.raft.Message.TimeoutNow;
import java.util.Arrays;
import java.util.List;

/**
 * Log replication, both sides (Raft paper 5.3, 7). The follower's side: the consistency check,
 * conflict hints and snapshot chunks. The leader's side: what to send each follower, driven by its
 * {@link Progress}, and what the followers' answers change. Flow control in the manner of
 * etcd: probe one append at a time after a refusal, pipeline up to maxInflightAppends once the
 * follower matches, send the snapshot in chunks when its next entries are compacted away.
 */
final class Replicator {

    private final RaftNode node;
    private final RaftConfig config;
    private final RaftLog log;
    private final ProgressTracker tracker;
    private final String id;
    private final SnapshotReceiver receiver = new SnapshotReceiver();

    Replicator(RaftNode node) {
        this.node = node;
        this.config = node.config();
        this.log = node.log();
        this.tracker = node.tracker();
        this.id = node.id();
    }

    // ---- follower side ----------------------------------------------------------------------

    void handleAppend(AppendEntries a) {
        if (a.prevLogIndex() < log.committed()) {
            // everything up to our commit index is settled; tell the leader where we stand
            node.send(new AppendResponse(id, a.from(), node.term, true, log.committed(), 0, 0, log.lastIndex()));
            return;
        }
        long lastNew = log.maybeAppend(a.prevLogIndex(), a.prevLogTerm(), a.leaderCommit(), a.entries());
        if (lastNew != RaftLog.UNKNOWN) {
            node.send(new AppendResponse(id, a.from(), node.term, true, lastNew, 0, 0, log.lastIndex()));
            return;
        }
        long conflictTerm;
        long conflictIndex;
        if (a.prevLogIndex() > log.lastIndex()) {
            conflictTerm = 0;
            conflictIndex = log.lastIndex() + 1;
        } else {
            conflictTerm = log.term(a.prevLogIndex());
            conflictIndex = log.firstIndexOfTermAt(a.prevLogIndex());
        }
        node.send(new AppendResponse(id, a.from(), node.term, false, a.prevLogIndex(), conflictTerm, conflictIndex, log.lastIndex()));
    }

    void handleSnapshotChunk(InstallSnapshot chunk) {
        Snapshot complete = receiver.accept(chunk);
        if (complete == null) {
            node.send(new InstallSnapshotResponse(id, chunk.from(), node.term, chunk.metadata(),
                    receiver.nextOffset(chunk.metadata()), false));
            return;
        }
        SnapshotMetadata meta = complete.metadata();
        if (meta.lastIncludedIndex() <= log.committed()) {
            // already have everything it covers: nothing to install
        } else if (log.matchTerm(meta.lastIncludedIndex(), meta.lastIncludedTerm())) {
            // Raft paper, figure 13, step 6: our log holds the snapshot's last entry, keep what follows it
            log.commitTo(meta.lastIncludedIndex());
        } else {
            log.restore(complete);
            node.setLatestSnapshot(complete); // it may lead one day and have to send it on
        }
        node.send(new InstallSnapshotResponse(id, chunk.from(), node.term, meta, complete.data().length, true));
    }

    // ---- leader side ------------------------------------------------------------------------

    void handleAppendResponse(AppendResponse r) {
        Progress pr = tracker.get(r.from());
        pr.lastHeardTick = node.ticks();
        if (!r.success()) {
            long hint = r.conflictIndex();
            if (r.conflictTerm() > 0) {
                // skip the follower's whole conflicting node.term; if we hold that node.term, resume after our last entry of it
                long ours = log.lastIndexOfTerm(r.conflictTerm(), r.index());
                hint = ours == RaftLog.UNKNOWN ? r.conflictIndex() : ours + 1;
            }
            if (pr.maybeDecreaseTo(r.index(), hint)) {
                if (pr.state == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(r.from(), pr, true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        boolean probeAccepted = pr.state == Progress.State.PROBE && r.index() >= pr.match;
        if (!pr.maybeUpdate(r.index()) && !probeAccepted) {
            return; // duplicate or stale acknowledgement
        }
        switch (pr.state) {
            case PROBE -> pr.becomeReplicate();
            case REPLICATE -> pr.freeInflightsTo(r.index());
            case SNAPSHOT -> {
                if (pr.match >= pr.snapshot.metadata().lastIncludedIndex()) {
                    pr.becomeProbe();
                }
            }
        }
        if (node.maybeCommit()) {
            broadcastAppend(); // followers learn the new commit index
        } else if (wasPaused) {
            sendAppend(r.from(), pr, true); // even empty: it carries the commit index the follower missed while paused
        }
        fillPipeline(r.from(), pr);
        if (r.from().equals(node.leadTransferee()) && pr.match == log.lastIndex()) {
            node.send(new TimeoutNow(id, r.from(), node.term)); // thesis 3.10: the target is up to date, let it campaign
        }
    }

    void handleHeartbeatResponse(HeartbeatResponse r) {
        Progress pr = tracker.get(r.from());
        pr.lastHeardTick = node.ticks();
        if (pr.state == Progress.State.REPLICATE) {
            pr.freeFirstIfFull();
        }
        pr.probeSent = false;
        if (pr.match < log.lastIndex()) {
            sendAppend(r.from(), pr, true);
        }
    }

    void handleSnapshotResponse(InstallSnapshotResponse r) {
        Progress pr = tracker.get(r.from());
        pr.lastHeardTick = node.ticks();
        if (pr.state != Progress.State.SNAPSHOT || !pr.snapshot.metadata().equals(r.metadata())) {
            return; // answers a transfer we are no longer doing
        }
        if (r.done()) {
            pr.maybeUpdate(r.metadata().lastIncludedIndex());
            pr.becomeProbe();
            sendAppend(r.from(), pr, true);
        } else if (r.nextOffset() != pr.snapshotOffset) {
            // progress, or the follower lost its partial copy (restart): go on from where it is
            pr.snapshotOffset = r.nextOffset();
            sendSnapshotChunk(r.from(), pr);
        }
    }

    void broadcastAppend() {
        tracker.all().forEach((peer, pr) -> {
            sendAppend(peer, pr, true);
            fillPipeline(peer, pr);
        });
    }

    /** A replicating follower gets appends back to back until its window of maxInflightAppends is full. */
    private void fillPipeline(String to, Progress pr) {
        while (pr.state == Progress.State.REPLICATE && pr.next <= log.lastIndex() && !pr.isPaused()) {
            sendAppend(to, pr, false);
        }
    }

    /** Heartbeats to all followers, carrying the newest ReadIndex context (0 if none). */
    void broadcastHeartbeat(long context) {
        tracker.all().forEach((peer, pr) -> {
            if (pr.state == Progress.State.SNAPSHOT && node.ticks() - pr.snapshotSentTick >= config.electionTicks()) {
                // Unanswered for an election timeout: the chunk or its answer was lost, or the follower is gone. Not at
                // every heartbeat: a chunk is large, and a follower gone mid-transfer would have the leader queue one
                // for it each heartbeat until the leader's heap ran out.
                sendSnapshotChunk(peer, pr);
            }
            // the follower may not hold our entries beyond match, so promise no more than that
            node.send(new Heartbeat(id, peer, node.term, Math.min(pr.match, log.committed()), context));
        });
    }

    /** Sends {@code to} its next entries (or, if they are compacted away, a snapshot), unless its flow control says wait. */
    void sendAppend(String to, Progress pr, boolean sendIfEmpty) {
        if (pr.isPaused()) {
            return;
        }
        long prevIndex = pr.next - 1;
        if (prevIndex < log.offsetIndex()) {
            if (node.latestSnapshot() == null) {
                throw new IllegalStateException("log compacted to " + log.offsetIndex() + " without a snapshot");
            }
            pr.becomeSnapshot(node.latestSnapshot());
            sendSnapshotChunk(to, pr);
            return;
        }
        List<Entry> entries = log.slice(pr.next, config.maxEntriesPerAppend(), config.maxBytesPerAppend());
        if (entries.isEmpty() && !sendIfEmpty) {
            return;
        }
        node.send(new AppendEntries(id, to, node.term, prevIndex, log.term(prevIndex), entries, log.committed()));
        pr.sent(entries.isEmpty() ? prevIndex : entries.getLast().index(), !entries.isEmpty());
    }

    private void sendSnapshotChunk(String to, Progress pr) {
        byte[] data = pr.snapshot.data();
        int from = (int) Math.min(pr.snapshotOffset, data.length);
        int until = (int) Math.min((long) from + config.snapshotChunkBytes(), data.length);
        node.send(new InstallSnapshot(id, to, node.term, pr.snapshot.metadata(), from, Arrays.copyOfRange(data, from, until),
                until == data.length));
        pr.snapshotSentTick = node.ticks();
    }
}
