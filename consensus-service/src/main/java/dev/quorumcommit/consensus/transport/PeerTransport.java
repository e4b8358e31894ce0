package dev.quorumcommit.consensus.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.quorumcommit.consensus.node.ConsensusProperties;
import dev.quorumcommit.consensus.raft.Message;

/**
 * Raft's messages between nodes, over HTTP: a one-way POST of a binary batch to the peer's
 * {@code /internal/raft/messages}; answers come back the same way as messages of their own, as in
 * etcd's rafthttp. {@link #send} never blocks and never throws: a message that cannot be delivered
 * is lost, which Raft tolerates by design.
 */
@ConditionalOnProperty(name = "consensus.raft.enabled", havingValue = "true", matchIfMissing = true)
@Component
public class PeerTransport implements AutoCloseable {

    static final String FROM_HEADER = "X-Raft-From";

    private final Map<String, PeerSender> senders = new LinkedHashMap<>();
    private final long reachableNanos;

    public PeerTransport(ConsensusProperties properties, Firewall firewall) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(500))
                .build();
        for (Map.Entry<String, URI> member : properties.members().entrySet()) {
            if (!member.getKey().equals(properties.nodeId())) {
                senders.put(member.getKey(), new PeerSender(member.getKey(), member.getValue(), http, firewall));
            }
        }
        this.reachableNanos = properties.tickInterval().multipliedBy(properties.electionTicks()).toNanos();
    }

    public void send(List<Message> messages) {
        for (Message message : messages) {
            PeerSender sender = senders.get(message.to());
            if (sender != null) {
                sender.enqueue(message);
            }
        }
    }

    /** Whether a batch reached the peer within the last election timeout. */
    public boolean reachable(String peerId) {
        PeerSender sender = senders.get(peerId);
        return sender != null && sender.reachedWithin(reachableNanos);
    }

    @Override
    public void close() {
        senders.values().forEach(PeerSender::stop);
    }
}
