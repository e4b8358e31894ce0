package dev.quorumcommit.consensus.raft;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/** A perfect network between {@link Driven} nodes, delivering until nothing moves (etcd's test "network"). */
final class MiniCluster {

    final Map<String, Driven> nodes = new LinkedHashMap<>();
    final Set<String> down = new HashSet<>();
    /** Every delivered message, one line each, in the order delivered. */
    final java.util.List<String> transcript = new java.util.ArrayList<>();

    MiniCluster(List<String> members, UnaryOperator<RaftConfig> tweak) {
        int seed = 1;
        for (String id : members) {
            RaftConfig config = tweak.apply(RaftConfig.defaults(id, members, new SplittableRandom(seed++)));
            nodes.put(id, Driven.of(config));
        }
    }

    Driven get(String id) {
        return nodes.get(id);
    }

    /** Delivers messages (none to or from a node that is down) until every node is quiet. */
    void settle() {
        ArrayDeque<Message> queue = new ArrayDeque<>();
        do {
            for (Driven d : nodes.values()) {
                queue.addAll(d.flush());
            }
            while (!queue.isEmpty()) {
                Message m = queue.poll();
                if (!down.contains(m.to()) && !down.contains(m.from())) {
                    transcript.add(Transcript.line(m));
                    nodes.get(m.to()).step(m);
                }
            }
        } while (nodes.values().stream().anyMatch(d -> d.node.hasReady()));
    }

    void tickAll(int times) {
        for (int i = 0; i < times; i++) {
            for (Map.Entry<String, Driven> e : nodes.entrySet()) {
                if (!down.contains(e.getKey())) {
                    e.getValue().node.tick();
                }
            }
            settle();
        }
    }

    /** Ticks only {@code id} until it campaigns, then lets the election run. */
    void campaign(String id) {
        RaftNode node = get(id).node;
        while (node.status().role() == Role.FOLLOWER) {
            node.tick();
        }
        settle();
    }

    String leader() {
        return nodes.values().stream().map(Driven::status).filter(s -> s.role() == Role.LEADER)
                .map(Status::id).findFirst().orElse(null);
    }
}
