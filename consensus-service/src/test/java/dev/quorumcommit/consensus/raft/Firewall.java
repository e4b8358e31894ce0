package dev.quorumcommit.consensus.raft;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides which messages the simulated network refuses, in the manner of MicroRaft's test
 * {@code Firewall}: a partition or an isolated node becomes one line in a test.
 */
final class Firewall {

    private record Link(String from, String to) {
    }

    private record Kind(String to, Class<? extends Message> type) {
    }

    private final Set<Link> cut = new HashSet<>();
    private final Set<Kind> dropped = new HashSet<>();

    /** No message crosses between {@code side} and {@code other}, either way. */
    void partition(Collection<String> side, Collection<String> other) {
        for (String a : side) {
            for (String b : other) {
                cut.add(new Link(a, b));
                cut.add(new Link(b, a));
            }
        }
    }

    /** {@code node} can neither send nor receive. */
    void isolate(String node, Collection<String> everyone) {
        partition(Set.of(node), everyone.stream().filter(n -> !n.equals(node)).toList());
    }

    /** Only messages from {@code from} to {@code to} are lost: an asymmetric link. */
    void cutOneWay(String from, String to) {
        cut.add(new Link(from, to));
    }

    /** Every message of {@code type} sent to {@code to} is lost. */
    void dropTo(String to, Class<? extends Message> type) {
        dropped.add(new Kind(to, type));
    }

    void heal() {
        cut.clear();
        dropped.clear();
    }

    boolean allows(Message m) {
        return !cut.contains(new Link(m.from(), m.to())) && !dropped.contains(new Kind(m.to(), m.getClass()));
    }

    boolean isHealed() {
        return cut.isEmpty() && dropped.isEmpty();
    }
}
