package dev.quorumcommit.consensus.node;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this node finds itself and its peers, where it keeps its data, and its Raft timing.
 *
 * <p>{@code peers} is one string, {@code n1=http://host:9001,n2=...}, so that the whole cluster can
 * be described by a single flag or environment variable. It is checked here, when the application
 * starts: a node that is misconfigured must not join a cluster and vote.
 */
@ConfigurationProperties("consensus")
public record ConsensusProperties(
        @DefaultValue("n1") String nodeId,
        @DefaultValue("n1=http://127.0.0.1:9001,n2=http://127.0.0.1:9002,n3=http://127.0.0.1:9003") String peers,
        Path dataDir,
        @DefaultValue("10000") int retainedEntries,
        @DefaultValue("50ms") Duration tickInterval,
        @DefaultValue("10") int electionTicks,
        @DefaultValue("1") int heartbeatTicks,
        @DefaultValue("5s") Duration requestTimeout) {

    public ConsensusProperties {
        if (nodeId == null || nodeId.isBlank()) {
            throw new InvalidConfigurationException("consensus.node-id is empty: give this node an id that appears in consensus.peers");
        }
        Map<String, URI> parsed = parsePeers(peers);
        if (!parsed.containsKey(nodeId)) {
            throw new InvalidConfigurationException("consensus.node-id '" + nodeId + "' is not one of consensus.peers " + parsed.keySet()
                    + ": a node must be a member of the cluster it joins");
        }
        if (dataDir == null) {
            dataDir = Path.of("data", "consensus-" + nodeId);
        }
        if (retainedEntries < 1) {
            throw new InvalidConfigurationException("consensus.retained-entries must be at least 1, was " + retainedEntries);
        }
        if (electionTicks <= heartbeatTicks) {
            throw new InvalidConfigurationException("consensus.election-ticks (" + electionTicks
                    + ") must be larger than consensus.heartbeat-ticks (" + heartbeatTicks + ")");
        }
    }

    /** The members of the cluster by id, in the order they were given, this node included. */
    public Map<String, URI> members() {
        return parsePeers(peers);
    }

    /** This node's own advertised URL. */
    public URI selfUrl() {
        return members().get(nodeId);
    }

    static Map<String, URI> parsePeers(String peers) {
        if (peers == null || peers.isBlank()) {
            throw new InvalidConfigurationException("consensus.peers is empty: list every member as id=url, separated by commas");
        }
        Map<String, URI> members = new LinkedHashMap<>();
        for (String part : peers.split(",")) {
            String[] idAndUrl = part.trim().split("=", 2);
            if (idAndUrl.length != 2 || idAndUrl[0].isBlank() || idAndUrl[1].isBlank()) {
                throw new InvalidConfigurationException("consensus.peers entry '" + part.trim() + "' is not of the form id=http://host:port");
            }
            URI url;
            try {
                url = URI.create(idAndUrl[1].trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("consensus.peers entry '" + part.trim() + "' has a malformed URL: " + e.getMessage());
            }
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new InvalidConfigurationException("consensus.peers entry '" + part.trim() + "' needs an http(s)://host:port URL");
            }
            if (members.put(idAndUrl[0].trim(), url) != null) {
                throw new InvalidConfigurationException("consensus.peers names '" + idAndUrl[0].trim() + "' twice");
            }
        }
        return Collections.unmodifiableMap(members);
    }
}
