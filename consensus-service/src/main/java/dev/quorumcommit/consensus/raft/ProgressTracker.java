package dev.quorumcommit.consensus.raft;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The leader's progress of every follower, and any candidate's votes: everything that counts a quorum. */
final class ProgressTracker {

    enum VoteResult { PENDING, WON, LOST }

    private final String self;
    private final List<String> peers;
    private final int quorum;
    private final Map<String, Progress> progress = new LinkedHashMap<>();
    private final Map<String, Boolean> votes = new HashMap<>();
    /** The leader's own durable last index: it counts only what its driver has synced (thesis 10.2.1). */
    private long selfMatch;

    ProgressTracker(String self, List<String> members) {
        this.self = self;
        this.peers = members.stream().filter(m -> !m.equals(self)).toList();
        this.quorum = members.size() / 2 + 1;
    }

    List<String> peers() {
        return peers;
    }

    boolean isPeer(String id) {
        return peers.contains(id);
    }

    /** A new leadership: every follower is probed from the leader's next index (Raft paper, figure 2, nextIndex). */
    void resetProgress(long next, int maxInflight, long neverHeard) {
        progress.clear();
        for (String p : peers) {
            progress.put(p, new Progress(next, maxInflight, neverHeard));
        }
    }

    Progress get(String id) {
        return progress.get(id);
    }

    Map<String, Progress> all() {
        return progress;
    }

    void setSelfMatch(long index) {
        selfMatch = index;
    }

    /** The highest index a quorum holds (the caller still checks its term, Raft paper 5.4.2). */
    long quorumMatch() {
        long[] matches = new long[peers.size() + 1];
        int i = 0;
        matches[i++] = selfMatch;
        for (Progress p : progress.values()) {
            matches[i++] = p.match;
        }
        Arrays.sort(matches);
        return matches[matches.length - quorum];
    }

    /** Check-quorum (thesis 6.2): did a quorum, counting the leader, answer within the last {@code window} ticks? */
    boolean quorumActive(long now, long window) {
        long active = 1 + progress.values().stream().filter(p -> now - p.lastHeardTick < window).count();
        return active >= quorum;
    }

    void resetVotes() {
        votes.clear();
    }

    void recordVote(String id, boolean granted) {
        votes.putIfAbsent(id, granted); // a duplicate answer cannot change a vote
    }

    VoteResult voteResult() {
        long granted = votes.values().stream().filter(v -> v).count();
        long refused = votes.size() - granted;
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        if (refused > peers.size() + 1 - quorum) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    int quorum() {
        return quorum;
    }

    String self() {
        return self;
    }
}
