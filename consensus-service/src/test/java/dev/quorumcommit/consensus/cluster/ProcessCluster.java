package dev.quorumcommit.consensus.cluster;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;

/**
 * Three consensus-service jars as separate processes on free ports, each with its own data
 * directory under a test's temporary folder, chaos routes enabled. Their logs stay in that folder
 * and are printed when a test fails.
 */
final class ProcessCluster implements AutoCloseable {

    final Map<String, NodeProcess> nodes = new LinkedHashMap<>();

    ProcessCluster(Path workDir, int size, List<String> extraArgs) {
        Path jar = Path.of(System.getProperty("consensus.jar", "target/consensus-service.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: this test runs under failsafe after the jar is packaged");
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 1; i <= size; i++) {
            ports.put("n" + i, freePort());
        }
        String peers = ports.entrySet().stream().map(e -> e.getKey() + "=http://127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        ports.forEach((id, port) -> nodes.put(id, new NodeProcess(id, port, workDir.resolve(id), workDir.resolve(id + ".log"),
                peers, jar, extraArgs)));
    }

    ProcessCluster start() {
        nodes.values().forEach(NodeProcess::start);
        return this;
    }

    NodeProcess node(String id) {
        return nodes.get(id);
    }

    List<NodeProcess> alive() {
        return nodes.values().stream().filter(NodeProcess::alive).toList();
    }

    /** Waits until every live node agrees on one leader, and returns it. */
    NodeProcess awaitLeader(Duration timeout) {
        String[] leader = new String[1];
        await("a leader that every live node follows").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<String> seen = new ArrayList<>();
            for (NodeProcess node : alive()) {
                Api.Answer answer = Api.get(node.url() + "/api/cluster");
                if (answer.status() != 200) {
                    return false;
                }
                JsonNode cluster = answer.json();
                seen.add(cluster.path("leaderId").isNull() ? null : cluster.path("leaderId").asString(null));
            }
            String first = seen.isEmpty() ? null : seen.getFirst();
            boolean agreed = first != null && seen.stream().allMatch(first::equals) && nodes.get(first).alive();
            leader[0] = first;
            return agreed && Api.get(nodes.get(first).url() + "/actuator/health/readiness").status() == 200;
        });
        return nodes.get(leader[0]);
    }

    String logs() {
        StringBuilder all = new StringBuilder();
        for (NodeProcess node : nodes.values()) {
            try {
                List<String> lines = Files.readAllLines(node.logFile);
                all.append("\n===== ").append(node.id).append(" (last 40 lines) =====\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> all.append(l).append('\n'));
            } catch (IOException e) {
                all.append("\n===== ").append(node.id).append(": no log (").append(e).append(")\n");
            }
        }
        return all.toString();
    }

    @Override
    public void close() {
        nodes.values().forEach(NodeProcess::kill);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
