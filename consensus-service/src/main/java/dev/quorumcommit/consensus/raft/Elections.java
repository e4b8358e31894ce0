package dev.quorumcommit.consensus.raft;

import dev.quorumcommit.consensus.raft.Message.AppendEntries;
import dev.quorumcommit.consensus.raft.Message.Heartbeat;
import dev.quorumcommit.consensus.raft.Message.HeartbeatResponse;
import dev.quorumcommit.consensus.raft.Message.InstallSnapshot;
import dev.quorumcommit.consensus.raft.Message.PreVoteRequest;
import dev.quorumcommit.consensus.raft.Message.PreVoteResponse;
import dev.quorumcommit.consensus.raft.Message.VoteRequest;
import dev.quorumcommit.consensus.raft.Message.VoteResponse;

/**
 * Terms, votes and the election timer of one node: leader election (Raft paper 5.2), the up-to-date
 * check (5.4.1), pre-vote (thesis 9.6) and the leader lease that check-quorum gives (thesis 4.2.3).
 */
final class Elections {

    private final RaftNode node;
    private int randomizedTimeout;

    Elections(RaftNode node) {
        this.node = node;
    }

    /** Raft paper 5.2: a timeout drawn anew from [electionTicks, 2 * electionTicks), so split votes do not repeat. */
    void randomizeTimeout() {
        int base = node.config().electionTicks();
        randomizedTimeout = base + node.config().random().nextInt(base);
    }

    void tickElection() {
        node.electionElapsed++;
        if (node.electionElapsed >= randomizedTimeout) {
            node.electionElapsed = 0;
            campaign(node.config().preVote(), false);
        }
    }

    /**
     * The term rules every message passes first (Raft paper 5.1): a higher term makes us a follower
     * of it, a lower one is stale. Returns false if the message must be dropped.
     */
    boolean acceptTerm(Message m) {
        RaftConfig config = node.config();
        if (m.term() > node.term) {
            if (m instanceof PreVoteRequest || m instanceof VoteRequest) {
                boolean transfer = m instanceof VoteRequest v && v.leadershipTransfer();
                boolean inLease = config.checkQuorum() && node.leaderId != null
                        && node.electionElapsed < config.electionTicks();
                if (inLease && !transfer) {
                    // thesis 4.2.3: we heard from a live leader within the minimum election timeout;
                    // a candidate that did not must not depose it (nor bump our term)
                    return false;
                }
            }
            if (m instanceof PreVoteRequest || (m instanceof PreVoteResponse r && r.granted())) {
                return true; // pre-vote never changes terms: a granted answer carries the term we asked for
            }
            boolean fromLeader = m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot;
            node.becomeFollower(m.term(), fromLeader ? m.from() : null);
            return true;
        }
        if (m.term() < node.term) {
            if ((config.checkQuorum() || config.preVote())
                    && (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot)) {
                // a stale leader would otherwise never learn of our term, since we ignore it (etcd does the same)
                node.send(new HeartbeatResponse(node.id(), m.from(), node.term, 0));
            } else if (m instanceof PreVoteRequest) {
                node.send(new PreVoteResponse(node.id(), m.from(), node.term, false));
            }
            return false;
        }
        return true;
    }

    void campaign(boolean pre, boolean transfer) {
        long voteTerm;
        if (pre) {
            node.becomePreCandidate();
            voteTerm = node.term + 1;
        } else {
            node.becomeCandidate();
            voteTerm = node.term;
        }
        ProgressTracker tracker = node.tracker();
        tracker.resetVotes();
        tracker.recordVote(node.id(), true);
        if (tracker.voteResult() == ProgressTracker.VoteResult.WON) {
            // A cluster of one: its own vote is a majority, and no answer will ever come to count it (etcd does the same).
            if (pre) {
                campaign(false, transfer);
            } else {
                node.becomeLeader();
            }
            return;
        }
        RaftLog log = node.log();
        for (String peer : tracker.peers()) {
            node.send(pre
                    ? new PreVoteRequest(node.id(), peer, voteTerm, log.lastIndex(), log.lastTerm())
                    : new VoteRequest(node.id(), peer, voteTerm, log.lastIndex(), log.lastTerm(), transfer));
        }
    }

    void handleVoteRequest(String from, long requestTerm, long lastIndex, long lastTerm, boolean pre) {
        boolean canVote = from.equals(node.votedFor)
                || (node.votedFor == null && node.leaderId == null)
                || (pre && requestTerm > node.term);
        boolean grant = canVote && node.log().isUpToDate(lastIndex, lastTerm);
        if (pre) {
            node.send(new PreVoteResponse(node.id(), from, grant ? requestTerm : node.term, grant));
            return;
        }
        if (grant) {
            node.electionElapsed = 0; // granting a vote, like hearing a leader, resets the timer (figure 2)
            node.votedFor = from;     // persisted through Ready.hardState before the answer is sent
        }
        node.send(new VoteResponse(node.id(), from, node.term, grant));
    }

    void handlePreVoteResponse(PreVoteResponse r) {
        if (node.role != Role.PRE_CANDIDATE || r.term() != (r.granted() ? node.term + 1 : node.term)) {
            return;
        }
        node.tracker().recordVote(r.from(), r.granted());
        switch (node.tracker().voteResult()) {
            case WON -> campaign(false, false);
            case LOST -> node.becomeFollower(node.term, null);
            case PENDING -> { }
        }
    }

    void handleVoteResponse(VoteResponse r) {
        if (node.role != Role.CANDIDATE) {
            return;
        }
        node.tracker().recordVote(r.from(), r.granted());
        switch (node.tracker().voteResult()) {
            case WON -> node.becomeLeader();
            case LOST -> node.becomeFollower(node.term, null);
            case PENDING -> { }
        }
    }

    /** Thesis 3.10: the leader hands over; campaign at once, without pre-vote, past the voters' lease. */
    void handleTimeoutNow() {
        if (node.role != Role.LEADER) {
            campaign(false, true);
        }
    }
}
