package dev.quorumcommit.consensus.transport;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.quorumcommit.consensus.node.ConsensusProperties;
import dev.quorumcommit.consensus.raft.Message;

/**
 * Raft's messages between nodes, over HTTP, as etcd's rafthttp carries them: every node holds one
 * long-lived {@code GET /internal/raft/stream/{itself}} open on each peer, and the peer writes the
 * messages it has for it into that answer, batch by batch, as they are made ({@link PeerOutbox} on the
 * sending side, {@link PeerStreamReader} on the receiving one). One connection per direction and pair,
 * reused for as long as both nodes live, with no request and no answer per message.
 *
 * <p>{@link #send} never blocks and never throws: a message that cannot be delivered is lost, which
 * Raft tolerates by design. The streams start with {@link #start} and end with {@link #close}.
 */
@ConditionalOnProperty(name = "consensus.raft.enabled", havingValue = "true", matchIfMissing = true)
@Component
public class PeerTransport implements AutoCloseable {

    static final String FROM_HEADER = "X-Raft-From";

    private final Map<String, PeerOutbox> outboxes = new LinkedHashMap<>();
    /** Filled by start() while request threads may already ask reachable(). */
    private final Map<String, PeerStreamReader> readers = new ConcurrentHashMap<>();
    private final ConsensusProperties properties;
    private final Firewall firewall;
    private final long reachableNanos;
    private final Duration readTimeout;

    public PeerTransport(ConsensusProperties properties, Firewall firewall) {
        this.properties = properties;
        this.firewall = firewall;
        Duration electionTimeout = properties.tickInterval().multipliedBy(properties.electionTicks());
        this.reachableNanos = electionTimeout.toNanos();
        // An idle stream says it is alive a few times per election timeout, so that reachability does not flicker.
        Duration keepAlive = electionTimeout.dividedBy(4);
        // A stream silent for several keep-alive periods (at least 2 s) is taken for broken and dialled again.
        Duration silence = electionTimeout.multipliedBy(4);
        this.readTimeout = silence.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : silence;
        for (String peer : properties.members().keySet()) {
            if (!peer.equals(properties.nodeId())) {
                outboxes.put(peer, new PeerOutbox(peer, firewall, keepAlive));
            }
        }
    }

    /** Opens this node's streams from its peers, delivering what arrives to {@code inbound}. */
    public synchronized void start(InboundMessages inbound) {
        for (Map.Entry<String, URI> member : properties.members().entrySet()) {
            String peer = member.getKey();
            if (!peer.equals(properties.nodeId()) && !readers.containsKey(peer)) {
                PeerStreamReader reader = new PeerStreamReader(properties.nodeId(), peer, member.getValue(), inbound, firewall, readTimeout);
                readers.put(peer, reader);
                reader.start();
            }
        }
    }

    public void send(List<Message> messages) {
        for (Message message : messages) {
            PeerOutbox outbox = outboxes.get(message.to());
            if (outbox != null) {
                outbox.enqueue(message);
            }
        }
    }

    /** Whether the peer's stream to this node carried anything (messages or keep-alives) within the last election timeout. */
    public boolean reachable(String peerId) {
        PeerStreamReader reader = readers.get(peerId);
        return reader != null && reader.heardWithin(reachableNanos);
    }

    PeerOutbox outbox(String peerId) {
        return outboxes.get(peerId);
    }

    @Override
    public synchronized void close() {
        outboxes.values().forEach(PeerOutbox::close);
        readers.values().forEach(PeerStreamReader::stop);
    }
}
