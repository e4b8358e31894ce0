package dev.quorumcommit.consensus.raft;

import static dev.quorumcommit.consensus.raft.Driven.THREE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Whole exchanges as readable text (etcd's testdata/campaign.txt, prevote.txt): what a reader of
 * the thesis expects to see on the wire, message by message, on a perfect network.
 */
class RaftTranscriptTest {

    // pre-vote (thesis 9.6), the election (paper 5.2), the new leader's no-op and its commitment (5.4.2)
    @Test
    void campaignWithPreVoteThenTheNoOpCommits() {
        MiniCluster c = new MiniCluster(THREE, cfg -> cfg);
        c.campaign("a");
        assertThat(String.join("\n", c.transcript)).isEqualTo("""
                a->b term 1 PreVote last 0@0
                a->c term 1 PreVote last 0@0
                b->a term 1 PreVote granted
                c->a term 1 PreVote granted
                a->b term 1 Vote last 0@0
                a->c term 1 Vote last 0@0
                b->a term 1 Vote granted
                c->a term 1 Vote granted
                a->b term 1 Append prev 0@0 entries [1@1] commit 0
                a->c term 1 Append prev 0@0 entries [1@1] commit 0
                b->a term 1 Append ok 1
                c->a term 1 Append ok 1
                a->b term 1 Append prev 1@1 entries [] commit 1
                a->c term 1 Append prev 1@1 entries [] commit 1
                b->a term 1 Append ok 1
                c->a term 1 Append ok 1""");
    }

    // thesis 6.4: the read waits for one heartbeat round answered by a quorum
    @Test
    void readIndexConfirmsLeadershipWithAHeartbeatRound() {
        MiniCluster c = new MiniCluster(THREE, cfg -> cfg);
        c.campaign("a");
        c.transcript.clear();
        c.get("a").node.readIndex(42);
        c.settle();
        assertThat(String.join("\n", c.transcript)).isEqualTo("""
                a->b term 1 Heartbeat commit 1 read 1
                a->c term 1 Heartbeat commit 1 read 1
                b->a term 1 Heartbeat ok read 1
                c->a term 1 Heartbeat ok read 1""");
        assertThat(c.get("a").reads).containsExactly(new ReadState(42, 1));
    }

    // thesis 3.10: the leader catches the target up, then TimeoutNow; the target wins past the voters' lease
    @Test
    void leadershipTransfer() {
        MiniCluster c = new MiniCluster(THREE, cfg -> cfg);
        c.campaign("a");
        c.transcript.clear();
        c.get("a").node.transferLeadership("c");
        c.settle();
        assertThat(String.join("\n", c.transcript)).isEqualTo("""
                a->c term 1 TimeoutNow
                c->a term 2 Vote last 1@1 transfer
                c->b term 2 Vote last 1@1 transfer
                a->c term 2 Vote granted
                b->c term 2 Vote granted
                c->a term 2 Append prev 1@1 entries [2@2] commit 1
                c->b term 2 Append prev 1@1 entries [2@2] commit 1
                a->c term 2 Append ok 2
                b->c term 2 Append ok 2
                c->a term 2 Append prev 2@2 entries [] commit 2
                c->b term 2 Append prev 2@2 entries [] commit 2
                a->c term 2 Append ok 2
                b->c term 2 Append ok 2""");
    }
}
