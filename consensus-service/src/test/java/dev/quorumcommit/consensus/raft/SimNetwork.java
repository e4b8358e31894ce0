package dev.quorumcommit.consensus.raft;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/** A seeded, lossy network: drops, delays (and so reorders), duplicates, and obeys a {@link Firewall}. */
final class SimNetwork {

    private record InFlight(long deliverAt, long seq, Message message) {
    }

    private final RandomGenerator random;
    private final PriorityQueue<InFlight> queue =
            new PriorityQueue<>(Comparator.comparingLong(InFlight::deliverAt).thenComparingLong(InFlight::seq));
    final Firewall firewall = new Firewall();
    private long seq;
    double dropRate;
    double duplicateRate;
    int maxDelay = 1;

    SimNetwork(RandomGenerator random) {
        this.random = random;
    }

    void send(Message m, long now) {
        if (!firewall.allows(m) || random.nextDouble() < dropRate) {
            return;
        }
        enqueue(m, now);
        if (random.nextDouble() < duplicateRate) {
            enqueue(m, now);
        }
    }

    private void enqueue(Message m, long now) {
        queue.add(new InFlight(now + 1 + random.nextInt(maxDelay), seq++, m));
    }

    /** The messages due by {@code now} that the firewall still lets through (it may have closed meanwhile). */
    List<Message> due(long now) {
        List<Message> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().deliverAt() <= now) {
            Message m = queue.poll().message();
            if (firewall.allows(m)) {
                out.add(m);
            }
        }
        return out;
    }

    void calm() {
        firewall.heal();
        dropRate = 0;
        duplicateRate = 0;
    }
}
