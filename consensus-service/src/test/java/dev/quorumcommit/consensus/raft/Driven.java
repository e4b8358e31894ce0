package dev.quorumcommit.consensus.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A test driver for one node: carries out its Readys the way the contract says (with an ideal
 * disk) and keeps what came out, so tests speak only through the node's inputs and outputs.
 */
final class Driven {

    static final List<String> THREE = List.of("a", "b", "c");
    static final List<String> FIVE = List.of("a", "b", "c", "d", "e");

    final RaftNode node;
    final List<Message> sent = new ArrayList<>();
    final List<Entry> applied = new ArrayList<>();
    final List<Entry> persisted = new ArrayList<>();
    final List<ReadState> reads = new ArrayList<>();
    final List<Snapshot> installed = new ArrayList<>();
    HardState hardState = HardState.INITIAL;

    Driven(RaftNode node) {
        this.node = node;
    }

    static RaftConfig config(String id, List<String> members, boolean preVote, boolean checkQuorum) {
        return RaftConfig.defaults(id, members, new SplittableRandom(42)).withFlags(preVote, checkQuorum);
    }

    /** A fresh node with pre-vote and check-quorum off, as in the Raft paper. */
    static Driven plain(String id, List<String> members) {
        return new Driven(new RaftNode(config(id, members, false, false), HardState.INITIAL, null, List.of()));
    }

    static Driven of(RaftConfig config) {
        return new Driven(new RaftNode(config, HardState.INITIAL, null, List.of()));
    }

    /** Carries out every Ready; returns the messages they sent. */
    List<Message> flush() {
        List<Message> out = new ArrayList<>();
        while (node.hasReady()) {
            Ready rd = node.ready();
            if (rd.snapshot() != null) {
                installed.add(rd.snapshot());
                persisted.clear();
            }
            if (rd.hardState() != null) {
                hardState = rd.hardState();
            }
            if (!rd.entries().isEmpty()) {
                long first = rd.entries().getFirst().index();
                persisted.removeIf(e -> e.index() >= first);
                persisted.addAll(rd.entries());
            }
            out.addAll(rd.messages());
            applied.addAll(rd.committedEntries());
            reads.addAll(rd.readStates());
            node.advance(rd);
        }
        sent.addAll(out);
        return out;
    }

    <M extends Message> List<M> flush(Class<M> type) {
        return flush().stream().filter(type::isInstance).map(type::cast).toList();
    }

    void tick(int times) {
        for (int i = 0; i < times; i++) {
            node.tick();
        }
    }

    /** Ticks until the node leaves the follower role (its election timeout is at most 2 * electionTicks). */
    List<Message> tickUntilCampaign() {
        for (int i = 0; i < 100 && node.status().role() == Role.FOLLOWER; i++) {
            node.tick();
        }
        return flush();
    }

    void step(Message m) {
        node.step(m);
    }

    Status status() {
        return node.status();
    }

    /** Makes this fresh node leader of term 1 with the votes of the other members; clears its output. */
    Driven elect() {
        tickUntilCampaign();
        Status s = status();
        for (String peer : node.tracker().peers()) {
            if (s.role() == Role.PRE_CANDIDATE) {
                step(new Message.PreVoteResponse(peer, s.id(), s.term() + 1, true));
            }
        }
        long term = status().term();
        for (String peer : node.tracker().peers()) {
            step(new Message.VoteResponse(peer, s.id(), term, true));
        }
        flush();
        sent.clear();
        return this;
    }

    /** The follower {@code peer} acknowledges everything up to {@code index}. */
    void ack(String peer, long index) {
        step(new Message.AppendResponse(peer, status().id(), status().term(), true, index, 0, 0, index));
    }
}
