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
import java.util.stream.Collectors;

/** One readable line per message, in the manner of etcd's data-driven test transcripts. */
final class Transcript {

    private Transcript() {
    }

    static String line(Message m) {
        String head = m.from() + "->" + m.to() + " term " + m.term() + " ";
        return head + switch (m) {
            case PreVoteRequest r -> "PreVote last " + r.lastLogIndex() + "@" + r.lastLogTerm();
            case PreVoteResponse r -> r.granted() ? "PreVote granted" : "PreVote refused";
            case VoteRequest r -> "Vote last " + r.lastLogIndex() + "@" + r.lastLogTerm() + (r.leadershipTransfer() ? " transfer" : "");
            case VoteResponse r -> r.granted() ? "Vote granted" : "Vote refused";
            case AppendEntries a -> "Append prev " + a.prevLogIndex() + "@" + a.prevLogTerm() + " entries ["
                    + a.entries().stream().map(e -> e.index() + "@" + e.term()).collect(Collectors.joining(" "))
                    + "] commit " + a.leaderCommit();
            case AppendResponse r -> r.success() ? "Append ok " + r.index()
                    : "Append refused " + r.index() + " conflict " + r.conflictIndex() + "@" + r.conflictTerm();
            case Heartbeat h -> "Heartbeat commit " + h.commit() + (h.context() == 0 ? "" : " read " + h.context());
            case HeartbeatResponse h -> "Heartbeat ok" + (h.context() == 0 ? "" : " read " + h.context());
            case InstallSnapshot s -> "Snapshot " + s.metadata().lastIncludedIndex() + "@" + s.metadata().lastIncludedTerm()
                    + " bytes " + s.offset() + "+" + s.data().length + (s.done() ? " done" : "");
            case InstallSnapshotResponse r -> "Snapshot at " + r.nextOffset() + (r.done() ? " done" : "");
            case TimeoutNow t -> "TimeoutNow";
        };
    }
}
