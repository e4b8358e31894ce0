package dev.quorumcommit.consensus.raft;

import static dev.quorumcommit.consensus.raft.Driven.THREE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumcommit.consensus.raft.Message.AppendEntries;
import dev.quorumcommit.consensus.raft.Message.Heartbeat;
import dev.quorumcommit.consensus.raft.Message.HeartbeatResponse;
import dev.quorumcommit.consensus.raft.Message.InstallSnapshot;
import dev.quorumcommit.consensus.raft.Message.InstallSnapshotResponse;
import dev.quorumcommit.consensus.raft.Message.PreVoteRequest;
import dev.quorumcommit.consensus.raft.Message.PreVoteResponse;
import dev.quorumcommit.consensus.raft.Message.TimeoutNow;
import dev.quorumcommit.consensus.raft.Message.VoteRequest;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What the Raft thesis and etcd add to the paper: pre-vote, check-quorum, ReadIndex, transfer, snapshots, flow control. */
class RaftExtensionsTest {

    // thesis 9.6: pre-vote asks first, and changes no term
    @Test
    void aClusterOfOneElectsItselfOnItsOwnVoteWithAndWithoutPreVote() {
        for (boolean preVote : new boolean[] {true, false}) {
            Driven alone = Driven.of(Driven.config("a", List.of("a"), preVote, true));
            alone.tickUntilCampaign();
            alone.flush();
            assertThat(alone.status()).as("pre-vote %s", preVote).extracting(Status::role, Status::term)
                    .containsExactly(Role.LEADER, 1L);
        }
    }

    @Test
    void preCandidateAsksWithoutChangingItsTerm() {
        Driven f = Driven.of(Driven.config("a", THREE, true, true));
        List<Message> out = f.tickUntilCampaign();
        assertThat(f.status()).extracting(Status::role, Status::term).containsExactly(Role.PRE_CANDIDATE, 0L);
        assertThat(out).filteredOn(PreVoteRequest.class::isInstance).extracting(Message::term).containsOnly(1L);
        f.step(new PreVoteResponse("b", "a", 1, true));
        assertThat(f.status()).extracting(Status::role, Status::term).containsExactly(Role.CANDIDATE, 1L);
        assertThat(f.flush()).filteredOn(VoteRequest.class::isInstance).hasSize(2);
    }

    @Test
    void partitionedNodeRejoiningDoesNotDisruptTheLeader() {
        MiniCluster c = new MiniCluster(THREE, cfg -> cfg);
        c.campaign("a");
        assertThat(c.leader()).isEqualTo("a");
        c.down.add("c");
        c.get("c").tick(100); // alone it keeps pre-campaigning, and never bumps its term
        assertThat(c.get("c").status().term()).isEqualTo(1);
        c.down.remove("c");
        c.campaign("c");
        assertThat(c.leader()).isEqualTo("a");
        assertThat(c.get("a").status().term()).isEqualTo(1);
    }

    // thesis 4.2.3: a follower that heard from its leader within the minimum election timeout ignores candidates
    @Test
    void followerWithALiveLeaderIgnoresVoteRequests() {
        Driven f = Driven.of(Driven.config("a", THREE, true, true));
        f.step(new Heartbeat("b", "a", 1, 0, 0));
        f.flush();
        f.step(new PreVoteRequest("c", "a", 2, 5, 1));
        f.step(new VoteRequest("c", "a", 2, 5, 1, false));
        assertThat(f.flush()).isEmpty();
        assertThat(f.status().term()).isEqualTo(1);
        f.step(new VoteRequest("c", "a", 2, 5, 1, true)); // a leadership transfer passes the lease
        assertThat(f.status().term()).isEqualTo(2);
        assertThat(f.flush()).singleElement().isInstanceOf(Message.VoteResponse.class);
    }

    // thesis 6.2: "a leader steps down if an election timeout elapses without a successful round of heartbeats to a majority"
    @Test
    void leaderWithoutAQuorumStepsDownAfterAnElectionTimeout() {
        Driven l = Driven.of(Driven.config("a", THREE, true, true)).elect();
        l.tick(9);
        l.step(new HeartbeatResponse("b", "a", 1, 0));
        l.tick(1);
        assertThat(l.status().role()).isEqualTo(Role.LEADER); // b answered within the timeout
        assertThat(l.status().peers().get("b").reachable()).isTrue();
        assertThat(l.status().peers().get("c").reachable()).isFalse();
        l.tick(10);
        assertThat(l.status()).extracting(Status::role, Status::leaderId).containsExactly(Role.FOLLOWER, null);
        assertThat(l.node.propose("x".getBytes())).isEqualTo(new NotLeader(null));
    }

    // thesis 6.4: ReadIndex waits for the leader's first commit of its term, then for a quorum of heartbeat answers
    @Test
    void readIndexIsReleasedOnlyAfterAQuorumConfirmsLeadership() {
        Driven l = Driven.of(Driven.config("a", THREE, true, true)).elect();
        assertThat(l.node.readIndex(7)).isEqualTo(new ReadIndexResult.Queued(7));
        assertThat(l.flush(Heartbeat.class)).isEmpty(); // the no-op is not committed yet
        l.ack("b", 1);
        List<Heartbeat> beats = l.flush(Heartbeat.class);
        assertThat(beats).hasSize(2).allSatisfy(h -> assertThat(h.context()).isPositive());
        assertThat(l.reads).isEmpty();
        l.step(new HeartbeatResponse("c", "a", 1, beats.getFirst().context()));
        l.flush();
        assertThat(l.reads).containsExactly(new ReadState(7, 1));
    }

    // etcd answers a ReadIndex at once on a singleton: no peer would ever answer the heartbeat that confirms it
    @Test
    void aClusterOfOneReleasesReadsOnItsOwnAck() {
        Driven alone = Driven.of(Driven.config("a", List.of("a"), true, true));
        for (int i = 0; i < 100 && alone.status().role() != Role.LEADER; i++) {
            alone.node.tick();
        }
        assertThat(alone.node.readIndex(7)).as("its no-op is not even persisted yet").isEqualTo(new ReadIndexResult.Queued(7));
        alone.flush();
        assertThat(alone.reads).containsExactly(new ReadState(7, 1));

        assertThat(alone.node.readIndex(8)).isEqualTo(new ReadIndexResult.Queued(8));
        alone.flush();
        assertThat(alone.reads).containsExactly(new ReadState(7, 1), new ReadState(8, 1));
        assertThat(alone.sent).isEmpty();
    }

    @Test
    void followerRefersReadsAndProposalsToItsLeader() {
        Driven f = Driven.plain("a", THREE);
        f.step(new Heartbeat("b", "a", 1, 0, 0));
        assertThat(f.node.readIndex(1)).isEqualTo(new NotLeader("b"));
        assertThat(f.node.propose("x".getBytes())).isEqualTo(new NotLeader("b"));
    }

    // thesis 3.10: the leader brings the target up to date, then sends TimeoutNow; no proposals meanwhile
    @Test
    void leadershipTransferHandsOverToAnUpToDateTarget() {
        MiniCluster c = new MiniCluster(THREE, cfg -> cfg);
        c.campaign("a");
        c.down.add("b");
        c.get("a").node.propose("x".getBytes());
        c.settle();
        c.down.remove("b");
        assertThat(c.get("a").node.transferLeadership("b")).isTrue();
        assertThat(c.get("a").node.propose("y".getBytes())).isEqualTo(new NotLeader("b"));
        c.settle();
        assertThat(c.leader()).isEqualTo("b");
        assertThat(c.get("a").sent).filteredOn(TimeoutNow.class::isInstance).hasSize(1);
        assertThat(c.get("b").status().term()).isEqualTo(2);
    }

    @Test
    void leadershipTransferIsAbortedAfterAnElectionTimeout() {
        Driven l = Driven.of(Driven.config("a", THREE, true, true)).elect();
        l.node.transferLeadership("b");
        assertThat(l.node.propose("y".getBytes())).isInstanceOf(NotLeader.class);
        for (int i = 0; i < 10; i++) {
            l.step(new HeartbeatResponse("c", "a", 1, 0)); // keep the quorum alive
            l.tick(1);
        }
        assertThat(l.status().role()).isEqualTo(Role.LEADER);
        assertThat(l.node.propose("y".getBytes())).isInstanceOf(ProposeResult.Accepted.class);
    }

    /** a leads; c, down, missed entries 2..6, which a then compacted behind a snapshot (4-byte chunks) of "0123456789". */
    private static MiniCluster leaderCompactedPastDownFollower() {
        MiniCluster c = new MiniCluster(THREE, cfg -> cfg.withLimits(64, 256, 1 << 20, 4));
        c.campaign("a");
        c.down.add("c");
        Driven a = c.get("a");
        for (int i = 0; i < 5; i++) {
            a.node.propose(("v" + i).getBytes());
        }
        c.settle();
        assertThat(a.status().applied()).isEqualTo(6);
        a.node.snapshotTaken(new Snapshot(new SnapshotMetadata(6, 1), "0123456789".getBytes()));
        a.node.compact(6);
        return c;
    }

    // Raft paper 7 / figure 13: a follower whose next entries were compacted away gets the snapshot, in chunks
    @Test
    void followerBehindTheCompactedLogGetsTheSnapshotInChunks() {
        MiniCluster c = leaderCompactedPastDownFollower();
        Driven a = c.get("a");
        c.down.remove("c");
        c.tickAll(2);
        List<InstallSnapshot> chunks = a.sent.stream().filter(InstallSnapshot.class::isInstance)
                .map(InstallSnapshot.class::cast).toList();
        assertThat(chunks).extracting(InstallSnapshot::offset).startsWith(0L, 4L, 8L);
        assertThat(chunks.get(2).done()).isTrue();
        Driven f = c.get("c");
        assertThat(f.installed).singleElement().satisfies(s -> {
            assertThat(s.metadata()).isEqualTo(new SnapshotMetadata(6, 1));
            assertThat(new String(s.data())).isEqualTo("0123456789");
        });
        a.node.propose("after".getBytes());
        c.settle();
        assertThat(f.status().commitIndex()).isEqualTo(7);
        // c applied the no-op before it went down, then the snapshot stood for 2..6
        assertThat(f.applied).extracting(Entry::index).containsExactly(1L, 7L);
    }

    /**
     * A follower that goes away in the middle of its snapshot is sent the outstanding chunk again once per election
     * timeout, not with every heartbeat: each chunk is up to half a megabyte, and the leader's queue for a peer that
     * is gone only drains when it comes back.
     */
    @Test
    void aFollowerGoneDuringItsSnapshotIsSentTheChunkAgainOncePerElectionTimeout() {
        MiniCluster c = leaderCompactedPastDownFollower();
        Driven a = c.get("a");
        // c is back long enough for the leader to find it behind the compacted log, and gone before the first chunk
        Driven f = c.get("c");
        a.node.tick();
        ArrayDeque<Message> inFlight = new ArrayDeque<>(a.flush());
        boolean chunkSent = false;
        while (!chunkSent && !inFlight.isEmpty()) {
            Message m = inFlight.poll();
            if (m instanceof InstallSnapshot) {
                chunkSent = true; // and lost: c is gone
            } else if (m.to().equals("c")) {
                f.step(m);
                inFlight.addAll(f.flush());
            } else if (m.to().equals("a")) {
                a.step(m);
                inFlight.addAll(a.flush());
            }
        }
        assertThat(chunkSent).isTrue();
        a.sent.clear();

        c.tickAll(100);

        int electionTicks = RaftConfig.defaults("a", THREE, new SplittableRandom(1)).electionTicks();
        assertThat(a.sent).filteredOn(InstallSnapshot.class::isInstance)
                .extracting(m -> ((InstallSnapshot) m).offset())
                .as("the unanswered first chunk, once per election timeout")
                .hasSizeBetween(100 / electionTicks - 1, 100 / electionTicks)
                .containsOnly(0L);

        c.down.remove("c");
        c.tickAll(2 * electionTicks);
        assertThat(f.installed).singleElement().extracting(s -> new String(s.data())).isEqualTo("0123456789");
    }

    @Test
    void followerIgnoresOutOfOrderChunksAndSaysWhereToGoOn() {
        Driven f = Driven.plain("a", THREE);
        SnapshotMetadata meta = new SnapshotMetadata(5, 1);
        f.step(new InstallSnapshot("b", "a", 1, meta, 0, "abcd".getBytes(), false));
        f.step(new InstallSnapshot("b", "a", 1, meta, 8, "ij".getBytes(), true)); // 4..8 was lost
        f.step(new InstallSnapshot("b", "a", 1, meta, 0, "abcd".getBytes(), false)); // duplicate of the first
        assertThat(f.flush(InstallSnapshotResponse.class)).extracting(InstallSnapshotResponse::nextOffset)
                .containsExactly(4L, 4L, 4L);
        f.step(new InstallSnapshot("b", "a", 1, meta, 4, "efgh".getBytes(), false));
        f.step(new InstallSnapshot("b", "a", 1, meta, 8, "ij".getBytes(), true));
        assertThat(f.flush(InstallSnapshotResponse.class)).extracting(InstallSnapshotResponse::done).containsExactly(false, true);
        assertThat(f.installed).singleElement().extracting(s -> new String(s.data())).isEqualTo("abcdefghij");
        assertThat(f.status()).extracting(Status::commitIndex, Status::lastLogIndex).containsExactly(5L, 5L);
    }

    // figure 13, step 6: "If existing log entry has same index and term as snapshot's last included entry,
    // retain log entries following it"
    @Test
    void followerWhoseLogMatchesTheSnapshotKeepsTheEntriesAfterIt() {
        Driven f = Driven.plain("a", THREE);
        List<Entry> entries = List.of(Entry.noop(1, 1), Entry.noop(2, 1), Entry.noop(3, 1));
        f.step(new AppendEntries("b", "a", 1, 0, 0, entries, 0));
        f.flush();
        f.step(new InstallSnapshot("b", "a", 1, new SnapshotMetadata(2, 1), 0, "s".getBytes(), true));
        f.flush();
        assertThat(f.installed).isEmpty();
        assertThat(f.status()).extracting(Status::commitIndex, Status::lastLogIndex).containsExactly(2L, 3L);
    }

    // etcd's Progress: at most maxInflightAppends appends unacknowledged per replicating follower
    @Test
    void leaderKeepsAtMostMaxInflightAppendsPerFollower() {
        Driven l = Driven.of(Driven.config("a", THREE, true, true).withLimits(2, 1, 1 << 20, 1024)).elect();
        l.ack("b", 1); // b matches: it moves from probe to replicate
        l.flush();
        for (int i = 0; i < 5; i++) {
            l.node.propose(("p" + i).getBytes());
        }
        List<AppendEntries> toB = l.flush(AppendEntries.class).stream().filter(a -> a.to().equals("b")).toList();
        assertThat(toB).hasSize(2).extracting(a -> a.entries().getFirst().index()).containsExactly(2L, 3L);
        l.ack("b", 2);
        toB = l.flush(AppendEntries.class).stream().filter(a -> a.to().equals("b")).toList();
        assertThat(toB).extracting(a -> a.entries().getFirst().index()).containsExactly(4L);
        assertThat(l.status().peers().get("b").matchIndex()).isEqualTo(2);
    }

    @Test
    void probingFollowerGetsOneAppendAtATime() {
        Driven l = Driven.of(Driven.config("a", THREE, true, true)).elect();
        l.node.propose("p".getBytes());
        l.node.propose("q".getBytes());
        assertThat(l.flush(AppendEntries.class)).filteredOn(a -> a.to().equals("c")).isEmpty(); // probe of c still out
        l.step(new HeartbeatResponse("c", "a", 1, 0)); // an answer resumes probing
        assertThat(l.flush(AppendEntries.class)).filteredOn(a -> a.to().equals("c")).hasSize(1);
    }

    @Test
    void duplicateAcknowledgementsChangeNothing() {
        Driven l = Driven.of(Driven.config("a", THREE, true, true)).elect();
        l.ack("b", 1);
        l.flush();
        Status before = l.status();
        l.ack("b", 1);
        l.ack("b", 0);
        assertThat(l.flush()).isEmpty();
        assertThat(l.status()).isEqualTo(before);
    }
}
