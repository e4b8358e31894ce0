package dev.quorumcommit.consensus.transport;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * The chaos switch's effect on the wire: peers this node neither sends to nor accepts from, and a
 * delay added to everything it sends. Empty and zero unless the chaos routes change it, so it costs
 * one set lookup per batch in normal operation. Modelled on MicroRaft's test firewall, but on the
 * real HTTP transport, so that a person can cut a real node off and watch the cluster react.
 */
@Component
public class Firewall {

    private final Set<String> cutOff = ConcurrentHashMap.newKeySet();
    private volatile Duration delay = Duration.ZERO;

    public boolean allows(String peerId) {
        return !cutOff.contains(peerId);
    }

    public Duration delay() {
        return delay;
    }

    public void cutOff(Set<String> peers) {
        cutOff.addAll(peers);
    }

    public void delay(Duration delay) {
        this.delay = delay;
    }

    public void heal() {
        cutOff.clear();
        delay = Duration.ZERO;
    }

    public Set<String> cutOffPeers() {
        return Set.copyOf(cutOff);
    }
}
