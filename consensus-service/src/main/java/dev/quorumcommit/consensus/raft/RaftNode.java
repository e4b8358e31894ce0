package dev.quorumcommit.consensus.raft;

import dev.quorumcommit.consensus.raft.Message.AppendEntries;
import dev.quorumcommit.consensus.raft.Message.AppendResponse;
import dev.quorumcommit.consensus.raft.Message.Heartbeat;
import dev.quorumcommit.consensus.raft.Message.HeartbeatResponse;
import dev.quorumcommit.consensus.raft.Message.InstallSnapshot;
import dev.quorumcommit.consensus.raft.Message.InstallSnapshotResponse;
import dev.quorumcommit.consensus.raft.Message.PreVoteRequest;
import dev.quorumcommit.consensus.raft.Message.PreVoteResponse;
import dev.quorumcommit.consensus.raft.Message.TimeoutNow;
import dev.quorumcommit.consensus.raft.Message.VoteRequest;
import dev.quorumcommit.consensus.raft.Message.VoteResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Raft node as a deterministic state machine (in the manner of etcd's raft package): no I/O,
 * no threads, no clock. The driver feeds it {@link #tick()}, {@link #step(Message)},
 * {@link #propose(byte[])}, {@link #readIndex(long)}, {@link #transferLeadership(String)}, and
 * carries out each {@link Ready} as that record describes before calling {@link #advance(Ready)}.
 * Not thread-safe: one thread drives it.
 */
public final class RaftNode {

    private final RaftConfig config;
    private final String id;
    private final RaftLog log;
    private final ProgressTracker tracker;
    private final ReadOnly readOnly = new ReadOnly();
    private final Elections elections;
    private final Replicator replicator;

    // Package-private: Elections reads and changes them; nothing outside this package can.
    long term;
    String votedFor;
    String leaderId;
    Role role = Role.FOLLOWER;
    int electionElapsed;
    private int heartbeatElapsed;
    private long ticks;
    private String leadTransferee;
    /** The newest snapshot this node can send to a follower whose next entries were compacted away. */
    private Snapshot latestSnapshot;

    private List<Message> outbox = new ArrayList<>();
    private List<ReadState> readStates = new ArrayList<>();
    private final List<Long> readsAwaitingCommit = new ArrayList<>();
    private boolean appendPending;
    private boolean heartbeatPending;
    private HardState prevHardState;
    private SoftState prevSoftState;

    /**
     * Restarts a node from its durable state.
     *
     * @param snapshot the latest snapshot, or null; the driver restores its state machine from it,
     *                 after which the first Ready hands out the committed entries after it again
     * @param entries  the stored entries after the snapshot, in order
     */
    public RaftNode(RaftConfig config, HardState hardState, Snapshot snapshot, List<Entry> entries) {
        this.config = config;
        this.id = config.selfId();
        this.log = new RaftLog(snapshot, entries, hardState.commitIndex());
        this.tracker = new ProgressTracker(id, config.members());
        this.elections = new Elections(this);
        this.replicator = new Replicator(this);
        this.latestSnapshot = snapshot;
        becomeFollower(hardState.term(), null);
        this.votedFor = hardState.votedFor();
        this.prevHardState = hardState();
    }

    // ---- inputs -------------------------------------------------------------------------------

    /** One unit of logical time: elections and heartbeats are counted in ticks. */
    public void tick() {
        ticks++;
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            elections.tickElection();
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.electionTicks()) {
            electionElapsed = 0;
            if (config.checkQuorum() && !tracker.quorumActive(ticks, config.electionTicks())) {
                becomeFollower(term, null); // thesis 6.2: a leader cut off from a quorum stops serving
                return;
            }
            leadTransferee = null; // thesis 3.10: a transfer that did not finish in an election timeout is aborted
        }
        if (heartbeatElapsed >= config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            replicator.broadcastHeartbeat(readOnly.lastContext());
        }
    }

    /** Takes a message from a peer. Stale, duplicated and reordered messages are safe to give. */
    public void step(Message m) {
        if (!tracker.isPeer(m.from()) || !id.equals(m.to())) {
            return;
        }
        if (!elections.acceptTerm(m)) {
            return;
        }
        switch (m) {
            case PreVoteRequest r -> elections.handleVoteRequest(r.from(), r.term(), r.lastLogIndex(), r.lastLogTerm(), true);
            case VoteRequest r -> elections.handleVoteRequest(r.from(), r.term(), r.lastLogIndex(), r.lastLogTerm(), false);
            case PreVoteResponse r -> elections.handlePreVoteResponse(r);
            case VoteResponse r -> elections.handleVoteResponse(r);
            case TimeoutNow t -> elections.handleTimeoutNow();
            case AppendEntries a -> {
                if (followLeader(a.from())) {
                    replicator.handleAppend(a);
                }
            }
            case Heartbeat h -> {
                if (followLeader(h.from())) {
                    log.commitTo(h.commit());
                    send(new HeartbeatResponse(id, h.from(), term, h.context()));
                }
            }
            case InstallSnapshot s -> {
                if (followLeader(s.from())) {
                    replicator.handleSnapshotChunk(s);
                }
            }
            case AppendResponse r -> {
                if (role == Role.LEADER) {
                    replicator.handleAppendResponse(r);
                }
            }
            case HeartbeatResponse r -> {
                if (role == Role.LEADER) {
                    replicator.handleHeartbeatResponse(r);
                    if (r.context() != 0) {
                        readStates.addAll(readOnly.ack(r.context(), r.from(), tracker.quorum()));
                    }
                }
            }
            case InstallSnapshotResponse r -> {
                if (role == Role.LEADER) {
                    replicator.handleSnapshotResponse(r);
                }
            }
        }
    }

    /** Proposes a command; many proposals before the next {@link #ready()} travel in one append and one sync. */
    public ProposeResult propose(byte[] command) {
        if (role != Role.LEADER) {
            return new NotLeader(leaderId);
        }
        if (leadTransferee != null) {
            return new NotLeader(leadTransferee); // thesis 3.10: no new entries while handing over
        }
        Entry e = new Entry(log.lastIndex() + 1, term, Entry.Kind.COMMAND, command.clone());
        log.append(e);
        appendPending = true;
        return new ProposeResult.Accepted(e.index(), e.term());
    }

    /** Asks for a linearizable read point (thesis 6.4); the answer comes as a {@link ReadState}. */
    public ReadIndexResult readIndex(long requestId) {
        if (role != Role.LEADER) {
            return new NotLeader(leaderId);
        }
        if (!committedInCurrentTerm()) {
            // thesis 6.4 step 1: until its no-op commits, a new leader does not know the latest commit index
            readsAwaitingCommit.add(requestId);
        } else {
            confirmLeadershipFor(requestId);
        }
        return new ReadIndexResult.Queued(requestId);
    }

    /** Reads at the current commit index once a quorum confirms this node still leads (thesis 6.4 steps 2 and 3). */
    private void confirmLeadershipFor(long requestId) {
        if (tracker.quorum() == 1) {
            // A cluster of one: our own ack is the quorum, and no heartbeat answer would ever come to count (as etcd).
            readStates.add(new ReadState(requestId, log.committed()));
            return;
        }
        readOnly.add(requestId, log.committed(), id);
        heartbeatPending = true;
    }

    /** Starts handing leadership to {@code to} (thesis 3.10); false if this node is not the leader. */
    public boolean transferLeadership(String to) {
        if (role != Role.LEADER || !tracker.isPeer(to)) {
            return false;
        }
        if (to.equals(leadTransferee)) {
            return true;
        }
        leadTransferee = to;
        electionElapsed = 0;
        Progress pr = tracker.get(to);
        if (pr.match == log.lastIndex()) {
            send(new TimeoutNow(id, to, term));
        } else {
            replicator.sendAppend(to, pr, true);
        }
        return true;
    }

    /**
     * The state machine took a snapshot (at or below what it applied). The node keeps it to send to
     * followers that fall behind the compacted log; it drops no entries by itself.
     */
    public void snapshotTaken(Snapshot snapshot) {
        long index = snapshot.metadata().lastIncludedIndex();
        if (index > log.applied()) {
            throw new IllegalArgumentException("snapshot at " + index + " is beyond applied " + log.applied());
        }
        long t = log.term(index);
        if (t != RaftLog.UNKNOWN && t != snapshot.metadata().lastIncludedTerm()) {
            throw new IllegalArgumentException("snapshot term does not match the log at " + index);
        }
        if (latestSnapshot == null || index > latestSnapshot.metadata().lastIncludedIndex()) {
            latestSnapshot = snapshot;
        }
    }

    /** Drops log entries up to {@code index}, which must be covered by a snapshot handed to {@link #snapshotTaken}. */
    public void compact(long index) {
        long covered = latestSnapshot == null ? 0 : latestSnapshot.metadata().lastIncludedIndex();
        if (index > covered) {
            throw new IllegalArgumentException("cannot compact to " + index + ": the latest snapshot covers " + covered);
        }
        log.compact(index);
    }

    // ---- outputs ------------------------------------------------------------------------------

    public boolean hasReady() {
        return appendPending || heartbeatPending || !outbox.isEmpty() || !readStates.isEmpty()
                || !softState().equals(prevSoftState) || !hardState().equals(prevHardState) || log.hasPendingWork();
    }

    public Ready ready() {
        if (appendPending) {
            appendPending = false;
            replicator.broadcastAppend();
        }
        if (heartbeatPending) {
            heartbeatPending = false;
            replicator.broadcastHeartbeat(readOnly.lastContext());
        }
        SoftState soft = softState();
        HardState hard = hardState();
        Ready rd = new Ready(soft.equals(prevSoftState) ? null : soft, hard.equals(prevHardState) ? null : hard,
                log.unstableEntries(), log.unstableSnapshot(), outbox, log.nextCommittedEntries(), readStates);
        outbox = new ArrayList<>();
        readStates = new ArrayList<>();
        return rd;
    }

    /** The driver carried out {@code rd} (persisted and synced, sent, applied). */
    public void advance(Ready rd) {
        if (rd.softState() != null) {
            prevSoftState = rd.softState();
        }
        if (rd.hardState() != null) {
            prevHardState = rd.hardState();
        }
        if (rd.snapshot() != null) {
            log.snapshotStable(rd.snapshot());
        }
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().getLast();
            log.stableTo(last.index(), last.term());
        }
        if (!rd.committedEntries().isEmpty()) {
            log.appliedTo(rd.committedEntries().getLast().index());
        }
        if (role == Role.LEADER) {
            tracker.setSelfMatch(log.stableIndex()); // thesis 10.2.1: count our own copy only once it is synced
            if (maybeCommit()) {
                appendPending = true;
            }
        }
    }

    public Status status() {
        Map<String, Status.Peer> peers = new LinkedHashMap<>();
        if (role == Role.LEADER) {
            tracker.all().forEach((peer, pr) -> peers.put(peer,
                    new Status.Peer(pr.match, ticks - pr.lastHeardTick < config.electionTicks())));
        }
        return new Status(id, role, term, leaderId, log.committed(), log.applied(), log.lastIndex(), peers);
    }

    SoftState softState() {
        return new SoftState(role, leaderId, term);
    }

    HardState hardState() {
        return new HardState(term, votedFor, log.committed());
    }

    // ---- shared with Elections and Replicator -------------------------------------------------

    RaftConfig config() {
        return config;
    }

    RaftLog log() {
        return log;
    }

    ProgressTracker tracker() {
        return tracker;
    }

    String id() {
        return id;
    }

    long ticks() {
        return ticks;
    }

    String leadTransferee() {
        return leadTransferee;
    }

    Snapshot latestSnapshot() {
        return latestSnapshot;
    }

    void setLatestSnapshot(Snapshot snapshot) {
        latestSnapshot = snapshot;
    }

    void send(Message m) {
        outbox.add(m);
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            votedFor = null;
        }
        leaderId = null;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        elections.randomizeTimeout();
        leadTransferee = null;
        readOnly.reset();
        readsAwaitingCommit.clear();
        appendPending = false;
        heartbeatPending = false;
    }

    void becomeFollower(long newTerm, String leader) {
        reset(newTerm);
        role = Role.FOLLOWER;
        leaderId = leader;
    }

    void becomePreCandidate() {
        // no reset: pre-vote changes neither the term nor the vote (thesis 9.6)
        role = Role.PRE_CANDIDATE;
        leaderId = null;
        electionElapsed = 0;
        elections.randomizeTimeout();
    }

    void becomeCandidate() {
        reset(term + 1);
        role = Role.CANDIDATE;
        votedFor = id;
    }

    void becomeLeader() {
        reset(term);
        role = Role.LEADER;
        leaderId = id;
        long neverHeard = ticks - config.electionTicks(); // a follower counts as live only once it answers
        tracker.resetProgress(log.lastIndex() + 1, config.maxInflightAppends(), neverHeard);
        tracker.setSelfMatch(log.stableIndex());
        // Raft paper 5.4.2 / 8: a no-op of the new term lets the leader commit its predecessors' entries
        log.append(Entry.noop(log.lastIndex() + 1, term));
        appendPending = true;
    }

    /** Any message from a leader of our term: follow it (a candidate of that term steps down, Raft paper 5.2). */
    private boolean followLeader(String from) {
        if (role == Role.LEADER) {
            return false; // election safety makes this impossible; never act on it
        }
        if (role != Role.FOLLOWER) {
            becomeFollower(term, from);
        }
        leaderId = from;
        electionElapsed = 0;
        return true;
    }

    /** Commits the highest index a quorum holds, if it is of the current term (Raft paper 5.4.2). */
    boolean maybeCommit() {
        long index = tracker.quorumMatch();
        if (index <= log.committed() || log.term(index) != term) {
            return false;
        }
        log.commitTo(index);
        if (!readsAwaitingCommit.isEmpty() && committedInCurrentTerm()) {
            readsAwaitingCommit.forEach(this::confirmLeadershipFor);
            readsAwaitingCommit.clear();
        }
        return true;
    }

    private boolean committedInCurrentTerm() {
        return log.term(log.committed()) == term;
    }
}
