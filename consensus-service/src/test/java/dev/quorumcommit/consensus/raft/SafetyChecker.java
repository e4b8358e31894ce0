package dev.quorumcommit.consensus.raft;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raft's safety properties (Raft paper, figure 3), checked on the whole simulated cluster after
 * every step: election safety, log matching, leader completeness, state machine safety; plus that
 * nodes apply exactly the committed entries, and that ReadIndex never answers with a stale index.
 */
final class SafetyChecker {

    private final Map<Long, String> leaderOfTerm = new HashMap<>();
    /** Every entry seen committed anywhere, and an upper bound of the term in which it was committed. */
    private final TreeMap<Long, Entry> committed = new TreeMap<>();
    private final Map<Long, Long> commitTermBound = new HashMap<>();
    private final Map<Long, Long> stateHashAt = new HashMap<>();
    private final Map<String, Long> scannedCommit = new HashMap<>();
    private final Map<Long, Long> readFloor = new HashMap<>();
    private long highestCommit;
    long snapshotsInstalled;
    long readsReleased;

    void applied(SimNode n, Entry e) {
        if (e.index() > n.raft.log().committed()) {
            throw new AssertionError(n.id + " applied " + e + " beyond its commit index " + n.raft.log().committed());
        }
        recordCommitted(n, e);
        recordHash(n, e.index());
    }

    void snapshotInstalled(SimNode n, Snapshot s) {
        recordHash(n, s.metadata().lastIncludedIndex());
        snapshotsInstalled++;
    }

    private void recordHash(SimNode n, long index) {
        Long known = stateHashAt.putIfAbsent(index, n.hash);
        if (known != null && known != n.hash) {
            throw new AssertionError("state machine safety: " + n.id + " has a different state at index " + index);
        }
    }

    private void recordCommitted(SimNode n, Entry e) {
        Entry known = committed.putIfAbsent(e.index(), e);
        if (known != null && !known.equals(e)) {
            throw new AssertionError("state machine safety: " + n.id + " has " + e + " committed where "
                    + known + " was committed before");
        }
        commitTermBound.merge(e.index(), n.raft.term, Math::min);
        highestCommit = Math.max(highestCommit, e.index());
    }

    void readRequested(long requestId) {
        readFloor.put(requestId, highestCommit);
    }

    void readReleased(SimNode n, ReadState rs) {
        readsReleased++;
        Long floor = readFloor.get(rs.requestId());
        if (floor != null && rs.index() < floor) {
            throw new AssertionError("linearizability: " + n.id + " released read " + rs.requestId() + " at index "
                    + rs.index() + " but " + floor + " was already committed when it was asked");
        }
    }

    void check(List<SimNode> nodes) {
        List<SimNode> live = nodes.stream().filter(n -> n.up).toList();
        for (SimNode n : live) {
            RaftNode r = n.raft;
            if (r.role == Role.LEADER) {
                String known = leaderOfTerm.putIfAbsent(r.term, n.id);
                if (known != null && !known.equals(n.id)) {
                    throw new AssertionError("election safety: " + known + " and " + n.id + " both lead term " + r.term);
                }
            }
            RaftLog log = r.log();
            long from = Math.max(scannedCommit.getOrDefault(n.id, 0L), log.offsetIndex()) + 1;
            for (long i = from; i <= log.committed(); i++) {
                recordCommitted(n, log.entry(i));
            }
            scannedCommit.merge(n.id, log.committed(), Math::max);
        }
        for (int a = 0; a < live.size(); a++) {
            for (int b = a + 1; b < live.size(); b++) {
                checkLogMatching(live.get(a), live.get(b));
            }
        }
        for (SimNode n : live) {
            if (n.raft.role == Role.LEADER) {
                checkLeaderCompleteness(n);
            }
        }
    }

    /** Raft paper 5.3: if two logs hold an entry with the same index and term, they are identical up to it. */
    private static void checkLogMatching(SimNode a, SimNode b) {
        RaftLog la = a.raft.log();
        RaftLog lb = b.raft.log();
        long lo = Math.max(la.offsetIndex(), lb.offsetIndex()) + 1;
        long hi = Math.min(la.lastIndex(), lb.lastIndex());
        boolean matched = false;
        for (long i = hi; i >= lo; i--) {
            if (!matched && la.term(i) == lb.term(i)) {
                matched = true;
            }
            if (matched && !la.entry(i).equals(lb.entry(i))) {
                throw new AssertionError("log matching: " + a.id + " and " + b.id + " agree on a later entry but differ at "
                        + i + ": " + la.entry(i) + " vs " + lb.entry(i));
            }
        }
    }

    /** Raft paper 5.4: an entry committed in a term is in the log of every leader of a later term. */
    private void checkLeaderCompleteness(SimNode leader) {
        RaftLog log = leader.raft.log();
        for (Map.Entry<Long, Entry> c : committed.tailMap(log.offsetIndex(), false).entrySet()) {
            if (commitTermBound.get(c.getKey()) >= leader.raft.term) {
                continue;
            }
            long i = c.getKey();
            if (i > log.lastIndex() || !log.entry(i).equals(c.getValue())) {
                throw new AssertionError("leader completeness: leader " + leader.id + " of term " + leader.raft.term
                        + " lacks committed " + c.getValue() + (i > log.lastIndex() ? "" : ", has " + log.entry(i)));
            }
        }
    }

    int leaderTerms() {
        return leaderOfTerm.size();
    }

    long highestCommit() {
        return highestCommit;
    }
}
