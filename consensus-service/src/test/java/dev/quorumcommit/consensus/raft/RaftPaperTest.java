package dev.quorumcommit.consensus.raft;

import static dev.quorumcommit.consensus.raft.Driven.FIVE;
import static dev.quorumcommit.consensus.raft.Driven.THREE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumcommit.consensus.raft.Message.AppendEntries;
import dev.quorumcommit.consensus.raft.Message.AppendResponse;
import dev.quorumcommit.consensus.raft.Message.Heartbeat;
import dev.quorumcommit.consensus.raft.Message.HeartbeatResponse;
import dev.quorumcommit.consensus.raft.Message.VoteRequest;
import dev.quorumcommit.consensus.raft.Message.VoteResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Tests named after sentences of the Raft paper (as etcd's raft_paper_test.go), driven only through
 * tick/step/propose and what comes out of Ready. Pre-vote and check-quorum are off here, as in the paper.
 */
class RaftPaperTest {

    private static Entry cmd(long index, long term) {
        return new Entry(index, term, Entry.Kind.COMMAND, ("x" + index).getBytes());
    }

    // 5.1: "Current terms are exchanged whenever servers communicate; if one server's current term is
    // smaller than the other's, then it updates its current term to the larger value. If a candidate or
    // leader discovers that its term is out of date, it immediately reverts to follower state."

    @Test
    void followerUpdatesTermFromMessage() {
        Driven f = Driven.plain("a", THREE);
        f.step(new Heartbeat("b", "a", 2, 0, 0));
        assertThat(f.status().term()).isEqualTo(2);
        assertThat(f.status().leaderId()).isEqualTo("b");
        f.flush();
        assertThat(f.hardState.term()).isEqualTo(2);
    }

    @Test
    void candidateFallsBackToFollowerOnHigherTerm() {
        Driven c = Driven.plain("a", THREE);
        c.tickUntilCampaign();
        assertThat(c.status().role()).isEqualTo(Role.CANDIDATE);
        c.step(new Heartbeat("b", "a", 5, 0, 0));
        assertThat(c.status()).extracting(Status::role, Status::term).containsExactly(Role.FOLLOWER, 5L);
    }

    @Test
    void leaderFallsBackToFollowerOnHigherTerm() {
        Driven l = Driven.plain("a", THREE).elect();
        l.step(new VoteResponse("b", "a", 7, false));
        assertThat(l.status()).extracting(Status::role, Status::term, Status::leaderId)
                .containsExactly(Role.FOLLOWER, 7L, null);
    }

    @Test
    void nodeRejectsMessagesOfAStaleTerm() {
        Driven f = Driven.plain("a", THREE);
        f.step(new Heartbeat("b", "a", 3, 0, 0));
        f.flush();
        f.step(new AppendEntries("c", "a", 2, 0, 0, List.of(cmd(1, 2)), 0));
        assertThat(f.status().lastLogIndex()).isZero();
        assertThat(f.status().leaderId()).isEqualTo("b");
    }

    // 5.2: "When servers start up, they begin as followers."
    @Test
    void nodeStartsAsFollower() {
        assertThat(Driven.plain("a", THREE).status().role()).isEqualTo(Role.FOLLOWER);
    }

    // 5.2: "Leaders send periodic heartbeats to all followers in order to maintain their authority."
    @Test
    void leaderBroadcastsHeartbeat() {
        Driven l = Driven.plain("a", THREE).elect();
        l.tick(1);
        List<Heartbeat> beats = l.flush(Heartbeat.class);
        assertThat(beats).extracting(Heartbeat::to).containsExactlyInAnyOrder("b", "c");
        assertThat(beats).allSatisfy(h -> assertThat(h.term()).isEqualTo(1));
    }

    // 5.2: "To begin an election, a follower increments its current term and transitions to candidate
    // state. It then votes for itself and issues RequestVote RPCs in parallel to each of the other servers."
    @Test
    void followerStartsElectionAfterElectionTimeout() {
        Driven f = Driven.plain("a", THREE);
        List<Message> out = f.tickUntilCampaign();
        assertThat(f.status()).extracting(Status::role, Status::term).containsExactly(Role.CANDIDATE, 1L);
        assertThat(f.hardState.votedFor()).isEqualTo("a");
        assertThat(out).filteredOn(VoteRequest.class::isInstance).extracting(Message::to)
                .containsExactlyInAnyOrder("b", "c");
    }

    // 5.2: "Raft uses randomized election timeouts ... chosen randomly from a fixed interval."
    @Test
    void electionTimeoutIsRandomizedBetweenOneAndTwoElectionTimeouts() {
        Set<Integer> seen = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            RaftConfig config = RaftConfig.defaults("a", THREE, new SplittableRandom(seed)).withFlags(false, false);
            Driven f = Driven.of(config);
            int ticks = 0;
            while (f.status().role() == Role.FOLLOWER) {
                f.node.tick();
                ticks++;
            }
            seen.add(ticks);
        }
        assertThat(seen).allSatisfy(t -> assertThat(t).isBetween(10, 19)).hasSizeGreaterThan(5);
    }

    // 5.2: "A candidate wins an election if it receives votes from a majority of the servers."
    @Test
    void candidateBecomesLeaderWithVotesFromAMajority() {
        Driven c = Driven.plain("a", FIVE);
        c.tickUntilCampaign();
        c.step(new VoteResponse("b", "a", 1, true));
        assertThat(c.status().role()).isEqualTo(Role.CANDIDATE);
        c.step(new VoteResponse("b", "a", 1, true)); // a duplicate is not a second vote
        assertThat(c.status().role()).isEqualTo(Role.CANDIDATE);
        c.step(new VoteResponse("c", "a", 1, true));
        assertThat(c.status().role()).isEqualTo(Role.LEADER);
    }

    @Test
    void candidateFallsBackToFollowerWhenAMajorityRefuses() {
        Driven c = Driven.plain("a", THREE);
        c.tickUntilCampaign();
        c.step(new VoteResponse("b", "a", 1, false));
        c.step(new VoteResponse("c", "a", 1, false));
        assertThat(c.status()).extracting(Status::role, Status::term).containsExactly(Role.FOLLOWER, 1L);
    }

    // 5.2: "Each server will vote for at most one candidate in a given term, on a first-come-first-served basis."
    @Test
    void voterGrantsAtMostOneVotePerTerm() {
        Driven v = Driven.plain("a", THREE);
        v.step(new VoteRequest("b", "a", 1, 0, 0, false));
        v.step(new VoteRequest("c", "a", 1, 0, 0, false));
        v.step(new VoteRequest("b", "a", 1, 0, 0, false)); // a retry of the granted request is granted again
        assertThat(v.flush(VoteResponse.class)).extracting(VoteResponse::to, VoteResponse::granted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", true), org.assertj.core.groups.Tuple.tuple("c", false),
                        org.assertj.core.groups.Tuple.tuple("b", true));
        assertThat(v.hardState.votedFor()).isEqualTo("b");
    }

    @Test
    void restartedVoterRemembersItsVote() {
        RaftNode restarted = new RaftNode(Driven.config("a", THREE, false, false), new HardState(1, "b", 0), null, List.of());
        Driven v = new Driven(restarted);
        v.step(new VoteRequest("c", "a", 1, 0, 0, false));
        assertThat(v.flush(VoteResponse.class)).singleElement().extracting(VoteResponse::granted).isEqualTo(false);
    }

    // 5.2: "If the AppendEntries RPC's term is at least as large as the candidate's current term, then the
    // candidate recognizes the leader as legitimate and returns to follower state."
    @Test
    void candidateStepsDownOnAppendFromLeaderOfItsTerm() {
        Driven c = Driven.plain("a", THREE);
        c.tickUntilCampaign();
        c.step(new AppendEntries("b", "a", 1, 0, 0, List.of(), 0));
        assertThat(c.status()).extracting(Status::role, Status::leaderId).containsExactly(Role.FOLLOWER, "b");
    }

    // 5.4.1: "the voter denies its vote if its own log is more up-to-date than that of the candidate."
    @Test
    void voterRejectsCandidateWithStaleLog() {
        RaftNode n = new RaftNode(Driven.config("a", THREE, false, false), new HardState(2, null, 0), null,
                List.of(cmd(1, 1), cmd(2, 2)));
        Driven v = new Driven(n);
        v.step(new VoteRequest("b", "a", 3, 5, 1, false)); // longer, but older last term
        v.step(new VoteRequest("c", "a", 4, 1, 2, false)); // same last term, shorter
        assertThat(v.flush(VoteResponse.class)).extracting(VoteResponse::granted).containsExactly(false, false);
        v.step(new VoteRequest("c", "a", 5, 2, 2, false));
        assertThat(v.flush(VoteResponse.class)).extracting(VoteResponse::granted).containsExactly(true);
    }

    // 5.3: "the leader appends the command to its log as a new entry, then issues AppendEntries RPCs in
    // parallel to each of the other servers". Proposals before one Ready travel in one append.
    @Test
    void leaderBatchesProposalsIntoOneAppendPerFollower() {
        Driven l = Driven.plain("a", THREE).elect();
        l.ack("b", 1);
        l.ack("c", 1);
        l.flush();
        for (int i = 0; i < 10; i++) {
            assertThat(l.node.propose(("p" + i).getBytes())).isEqualTo(new ProposeResult.Accepted(2 + i, 1));
        }
        List<AppendEntries> appends = l.flush(AppendEntries.class);
        assertThat(appends).extracting(AppendEntries::to).containsExactlyInAnyOrder("b", "c");
        assertThat(appends).allSatisfy(a -> assertThat(a.entries()).hasSize(10));
    }

    // 5.3: "A log entry is committed once the leader that created the entry has replicated it on a majority"
    // and, figure 2, the leader's own copy counts only once it is on its disk (thesis 10.2.1).
    @Test
    void leaderCommitsEntryOnceAMajorityIncludingItsOwnDiskHasIt() {
        Driven l = Driven.plain("a", FIVE).elect();
        assertThat(l.persisted).extracting(Entry::kind).containsExactly(Entry.Kind.NOOP);
        l.ack("b", 1);
        assertThat(l.status().commitIndex()).isZero();
        l.ack("c", 1);
        assertThat(l.status().commitIndex()).isEqualTo(1);
        l.flush();
        assertThat(l.applied).extracting(Entry::index).containsExactly(1L);
    }

    @Test
    void leaderDoesNotCountItsOwnCopyBeforeItIsPersisted() {
        Driven l = Driven.plain("a", THREE).elect();
        l.node.propose("x".getBytes());
        l.ack("b", 2); // before the leader's Ready with entry 2 was carried out
        assertThat(l.status().commitIndex()).isEqualTo(1);
        l.flush();
        assertThat(l.status().commitIndex()).isEqualTo(2);
    }

    // 5.4.2: "Raft never commits log entries from previous terms by counting replicas. Only log entries from
    // the leader's current term are committed by counting replicas" (figure 8).
    @Test
    void leaderCommitsOnlyCurrentTermEntriesByCounting() {
        RaftNode n = new RaftNode(Driven.config("a", THREE, false, false), new HardState(2, null, 0), null,
                List.of(cmd(1, 1), cmd(2, 2)));
        Driven l = new Driven(n).elect(); // term 3, no-op at index 3
        assertThat(l.status().term()).isEqualTo(3);
        l.ack("b", 2);
        l.flush();
        assertThat(l.status().commitIndex()).as("index 2 is of term 2: a majority holds it, yet it is not committed").isZero();
        l.ack("b", 3);
        l.flush();
        assertThat(l.status().commitIndex()).isEqualTo(3);
        assertThat(l.applied).extracting(Entry::index).containsExactly(1L, 2L, 3L);
    }

    // 5.3: "If an existing entry conflicts with a new one (same index but different terms), delete the
    // existing entry and all that follow it"
    @Test
    void followerTruncatesAConflictingSuffix() {
        RaftNode n = new RaftNode(Driven.config("a", THREE, false, false), new HardState(2, null, 1), null,
                List.of(cmd(1, 1), cmd(2, 2), cmd(3, 2)));
        Driven f = new Driven(n);
        f.flush();
        f.persisted.addAll(List.of(cmd(1, 1), cmd(2, 2), cmd(3, 2)));
        f.step(new AppendEntries("b", "a", 3, 1, 1, List.of(cmd(2, 3)), 1));
        List<AppendResponse> out = f.flush(AppendResponse.class);
        assertThat(out).singleElement().extracting(AppendResponse::success, AppendResponse::index).containsExactly(true, 2L);
        assertThat(f.persisted).containsExactly(cmd(1, 1), cmd(2, 3));
        // the node's own log, not only what its Ready told the (test's) disk: entry 3 of term 2 is gone
        assertThat(f.status().lastLogIndex()).isEqualTo(2);
        assertThat(List.of(f.node.log().term(1), f.node.log().term(2), f.node.log().term(3)))
                .containsExactly(1L, 3L, RaftLog.UNKNOWN);
    }

    // 5.3: "If a follower's log is inconsistent with the leader's, the AppendEntries consistency check will
    // fail"; the refusal names the conflicting term and its first index so the leader skips it at once.
    @Test
    void followerRejectsAppendWithMismatchedPrevAndNamesTheConflict() {
        RaftNode n = new RaftNode(Driven.config("a", THREE, false, false), new HardState(3, null, 0), null,
                List.of(cmd(1, 1), cmd(2, 2), cmd(3, 2), cmd(4, 2)));
        Driven f = new Driven(n);
        f.step(new AppendEntries("b", "a", 4, 4, 3, List.of(), 0));
        f.step(new AppendEntries("b", "a", 4, 9, 4, List.of(), 0));
        assertThat(f.flush(AppendResponse.class))
                .extracting(AppendResponse::success, AppendResponse::index, AppendResponse::conflictTerm, AppendResponse::conflictIndex)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(false, 4L, 2L, 2L),
                        org.assertj.core.groups.Tuple.tuple(false, 9L, 0L, 5L));
    }

    // 5.3 (end): "the leader can decrement nextIndex to bypass all of the conflicting entries in that term"
    @Test
    void leaderBacksOffPastTheFollowersWholeConflictingTerm() {
        RaftNode n = new RaftNode(Driven.config("a", THREE, false, false), new HardState(4, null, 0), null,
                List.of(cmd(1, 1), cmd(2, 1), cmd(3, 4), cmd(4, 4), cmd(5, 4)));
        Driven l = new Driven(n).elect(); // term 5, no-op at 6; first probe has prevLogIndex 5
        l.step(new AppendResponse("b", "a", 5, false, 5, 3, 3, 7)); // b holds term 3 from index 3 on
        List<AppendEntries> probe = l.flush(AppendEntries.class);
        assertThat(probe).singleElement().extracting(AppendEntries::prevLogIndex).isEqualTo(2L);
        l.step(new AppendResponse("b", "a", 5, false, 5, 3, 3, 7)); // a duplicate refusal is stale now
        assertThat(l.flush(AppendEntries.class)).isEmpty();
    }

    // 5.5: "If a server receives a request that includes an index or term already present, it ignores it"
    @Test
    void followerIgnoresAStaleReorderedAppend() {
        Driven f = Driven.plain("a", THREE);
        f.step(new AppendEntries("b", "a", 1, 0, 0, List.of(cmd(1, 1), cmd(2, 1), cmd(3, 1)), 0));
        f.step(new AppendEntries("b", "a", 1, 0, 0, List.of(cmd(1, 1)), 0)); // older, arrives late
        f.flush();
        assertThat(f.status().lastLogIndex()).isEqualTo(3);
        assertThat(f.persisted).hasSize(3);
    }

    // figure 2: "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)"
    @Test
    void followerCommitsUpToLeaderCommitBoundedByItsLastNewEntry() {
        Driven f = Driven.plain("a", THREE);
        f.step(new AppendEntries("b", "a", 1, 0, 0, List.of(cmd(1, 1), cmd(2, 1)), 5));
        f.flush();
        assertThat(f.status().commitIndex()).isEqualTo(2);
        assertThat(f.applied).hasSize(2);
        f.step(new Heartbeat("b", "a", 1, 2, 0));
        assertThat(f.flush(HeartbeatResponse.class)).singleElement().extracting(HeartbeatResponse::term).isEqualTo(1L);
    }
}
