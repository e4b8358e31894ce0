package dev.quorumcommit.consensus.raft;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Static configuration of one node. Membership is fixed (3 or 5 nodes): no configuration changes.
 *
 * @param selfId              this node's id, one of {@code members}
 * @param members             every voting member, including this node
 * @param electionTicks       the base election timeout; each wait is drawn from [electionTicks, 2 * electionTicks)
 * @param heartbeatTicks      ticks between a leader's heartbeats; must be well below electionTicks
 * @param maxInflightAppends  appends a leader may have unacknowledged per follower while replicating
 * @param maxEntriesPerAppend at most this many entries in one append
 * @param maxBytesPerAppend   at most about this many command bytes in one append (always at least one entry)
 * @param snapshotChunkBytes  bytes of snapshot per InstallSnapshot message
 * @param preVote             run a pre-vote before each election (thesis 9.6)
 * @param checkQuorum         leaders step down without a live quorum; followers honour the leader lease (thesis 6.2, 4.2.3)
 * @param random              the only source of randomness, so that runs can be replayed
 */
public record RaftConfig(String selfId, List<String> members, int electionTicks, int heartbeatTicks,
                         int maxInflightAppends, int maxEntriesPerAppend, long maxBytesPerAppend,
                         int snapshotChunkBytes, boolean preVote, boolean checkQuorum, RandomGenerator random) {

    public RaftConfig {
        Objects.requireNonNull(selfId, "selfId");
        Objects.requireNonNull(random, "random");
        members = List.copyOf(members);
        if (!members.contains(selfId)) {
            throw new IllegalArgumentException("self id " + selfId + " is not among the members " + members);
        }
        if (members.stream().distinct().count() != members.size()) {
            throw new IllegalArgumentException("duplicate member ids in " + members);
        }
        if (heartbeatTicks < 1 || electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("need 1 <= heartbeatTicks < electionTicks");
        }
        if (maxInflightAppends < 1 || maxEntriesPerAppend < 1 || maxBytesPerAppend < 1 || snapshotChunkBytes < 1) {
            throw new IllegalArgumentException("flow-control limits must be positive");
        }
    }

    /** The usual settings: election after 10 to 19 ticks, a heartbeat every tick, pre-vote and check-quorum on. */
    public static RaftConfig defaults(String selfId, List<String> members, RandomGenerator random) {
        return new RaftConfig(selfId, members, 10, 1, 64, 256, 1 << 20, 1 << 20, true, true, random);
    }

    public RaftConfig withLimits(int maxInflightAppends, int maxEntriesPerAppend, long maxBytesPerAppend,
                                 int snapshotChunkBytes) {
        return new RaftConfig(selfId, members, electionTicks, heartbeatTicks, maxInflightAppends,
                maxEntriesPerAppend, maxBytesPerAppend, snapshotChunkBytes, preVote, checkQuorum, random);
    }

    public RaftConfig withFlags(boolean preVote, boolean checkQuorum) {
        return new RaftConfig(selfId, members, electionTicks, heartbeatTicks, maxInflightAppends,
                maxEntriesPerAppend, maxBytesPerAppend, snapshotChunkBytes, preVote, checkQuorum, random);
    }

    int quorum() {
        return members.size() / 2 + 1;
    }
}
