package dev.quorumcommit.consensus.raft;

import java.util.List;

/**
 * Everything one node says to another. Each kind is a record of plain values (long, String, boolean,
 * byte[], {@code List<Entry>}, {@link SnapshotMetadata}) so that a transport can encode it without
 * knowing the core; every message carries the sender's term, which is how stale leaders and
 * candidates learn they are stale (Raft paper, 5.1).
 */
public sealed interface Message {

    String from();

    String to();

    long term();

    /**
     * Asks whether the receiver would vote for the sender in {@code term} (the sender's term + 1),
     * without anyone changing term: a node that was cut off cannot disrupt a healthy cluster when it
     * comes back (Raft thesis, 9.6).
     */
    record PreVoteRequest(String from, String to, long term, long lastLogIndex, long lastLogTerm) implements Message {
    }

    /** The answer to a pre-vote; when granted its term is the requested one, when refused the voter's own. */
    record PreVoteResponse(String from, String to, long term, boolean granted) implements Message {
    }

    /**
     * RequestVote RPC (Raft paper, figure 2). {@code leadershipTransfer} is set when the current
     * leader asked for this election (TimeoutNow): voters then ignore their leader lease (thesis 3.10).
     */
    record VoteRequest(String from, String to, long term, long lastLogIndex, long lastLogTerm,
                       boolean leadershipTransfer) implements Message {
    }

    record VoteResponse(String from, String to, long term, boolean granted) implements Message {
    }

    /** AppendEntries RPC (Raft paper, figure 2); the entries may be empty. */
    record AppendEntries(String from, String to, long term, long prevLogIndex, long prevLogTerm,
                         List<Entry> entries, long leaderCommit) implements Message {
        public AppendEntries {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The answer to an append. On success {@code index} is the last index now known to match the
     * leader. On refusal {@code index} is the {@code prevLogIndex} refused (so the leader can tell a stale
     * refusal), and {@code conflictTerm} / {@code conflictIndex} let the leader skip a whole term of
     * entries at once instead of one entry per round trip (Raft paper, end of 5.3): conflictTerm is
     * the follower's term at prevLogIndex (0 when its log is shorter), conflictIndex the first index
     * the follower holds of that term (or its last index + 1). {@code lastLogIndex} is a hint.
     */
    record AppendResponse(String from, String to, long term, boolean success, long index,
                          long conflictTerm, long conflictIndex, long lastLogIndex) implements Message {
    }

    /**
     * A leader's heartbeat. {@code commit} is at most what the follower is known to hold, so the
     * follower can move its commit index without checking its log. {@code context} is echoed back:
     * ReadIndex uses it to learn that a quorum still followed this leader after a read arrived
     * (thesis 6.4). 0 means no read is waiting.
     */
    record Heartbeat(String from, String to, long term, long commit, long context) implements Message {
    }

    record HeartbeatResponse(String from, String to, long term, long context) implements Message {
    }

    /**
     * One chunk of InstallSnapshot (Raft paper, figure 13). Chunks are sent one at a time; the
     * follower assembles them and installs the snapshot when {@code done}.
     */
    record InstallSnapshot(String from, String to, long term, SnapshotMetadata metadata, long offset,
                           byte[] data, boolean done) implements Message {
    }

    /**
     * The follower holds {@code nextOffset} bytes of the snapshot named by {@code metadata};
     * {@code done} once it installed it (or already had everything it covers).
     */
    record InstallSnapshotResponse(String from, String to, long term, SnapshotMetadata metadata, long nextOffset,
                                   boolean done) implements Message {
    }

    /** Leadership transfer: start an election now, skipping pre-vote (thesis 3.10). */
    record TimeoutNow(String from, String to, long term) implements Message {
    }
}
