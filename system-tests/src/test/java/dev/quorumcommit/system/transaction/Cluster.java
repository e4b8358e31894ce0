package dev.quorumcommit.system.transaction;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;

import dev.quorumcommit.system.support.Http;
import dev.quorumcommit.system.support.Project;
import dev.quorumcommit.system.support.ServiceProcess;

/**
 * The whole system as five real processes on free ports, each with its own data under one temporary
 * folder, started with the contract's flags: three consensus nodes, inventory-service and
 * order-service. Logs stay in that folder; {@link #logs()} prints their tails, and the two
 * services' heaps and threads, when a test fails.
 */
final class Cluster implements AutoCloseable {

    static final Duration START = Duration.ofMinutes(3);

    final Map<String, ServiceProcess> consensus = new LinkedHashMap<>();
    final ServiceProcess inventory;
    final ServiceProcess order;

    /** @param inventoryData where inventory-service keeps its database (a disk of its own, to be filled) */
    Cluster(Path dir, Path inventoryData) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String id : List.of("n1", "n2", "n3")) {
            ports.put(id, Project.freePort());
        }
        String peers = ports.entrySet().stream().map(e -> e.getKey() + "=http://127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        String urls = ports.values().stream().map(port -> "http://127.0.0.1:" + port).collect(Collectors.joining(","));
        ports.forEach((id, port) -> consensus.put(id, new ServiceProcess(id, "consensus-service", port,
                dir.resolve(id + ".log"), List.of("--consensus.node-id=" + id, "--consensus.peers=" + peers,
                        "--consensus.data-dir=" + dir.resolve("consensus-" + id),
                        "--consensus.chaos.enabled=true")))); // a test cuts the leader off from its peers
        int inventoryPort = Project.freePort();
        inventory = new ServiceProcess("inventory", "inventory-service", inventoryPort, dir.resolve("inventory.log"),
                List.of("--consensus.urls=" + urls, "--spring.datasource.url=jdbc:h2:file:" + inventoryData.resolve("inventory")));
        order = new ServiceProcess("order", "order-service", Project.freePort(), dir.resolve("order.log"),
                List.of("--consensus.urls=" + urls, "--inventory.url=" + inventory.url(),
                        "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("orders"),
                        // The invariants compare every order with its decision in consensus: keep them all for the run.
                        "--twopc.coordinator.decision-retention=1h"));
    }

    Cluster start() {
        consensus.values().forEach(ServiceProcess::start);
        inventory.start();
        order.start();
        awaitEverythingUp();
        return this;
    }

    List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>(consensus.values());
        all.add(inventory);
        all.add(order);
        return all;
    }

    /** Every process that is not running is started again (as it was configured, no extra flags), and all are ready. */
    void awaitEverythingUp() {
        for (ServiceProcess process : all()) {
            if (!process.alive()) {
                process.start();
            }
        }
        for (ServiceProcess process : all()) {
            process.awaitReady(START);
        }
        awaitLeader();
    }

    /** The node every live node names as leader, once they agree and it answers. */
    ServiceProcess awaitLeader() {
        String[] leader = new String[1];
        await("a leader that every live consensus node follows").atMost(Duration.ofMinutes(1))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                    List<String> seen = new ArrayList<>();
                    for (ServiceProcess node : consensus.values()) {
                        if (!node.alive()) {
                            continue;
                        }
                        Http.Answer answer = Http.get(node.url() + "/api/cluster");
                        if (answer.status() != 200) {
                            return false;
                        }
                        JsonNode leaderId = answer.json().path("leaderId");
                        seen.add(leaderId.isString() ? leaderId.asString() : null);
                    }
                    String first = seen.isEmpty() ? null : seen.getFirst();
                    leader[0] = first;
                    return first != null && seen.stream().allMatch(first::equals) && consensus.get(first).alive();
                });
        return consensus.get(leader[0]);
    }

    /** Any live consensus node: the contract lets any of them answer a linearizable read. */
    ServiceProcess anyConsensusNode() {
        return consensus.values().stream().filter(ServiceProcess::alive).findFirst()
                .orElseThrow(() -> new IllegalStateException("no consensus node runs"));
    }

    String logs() {
        StringBuilder all = new StringBuilder();
        for (ServiceProcess process : all()) {
            Http.Answer readiness = Http.getOnNewClient(process.url() + "/actuator/health/readiness");
            all.append("\n===== ").append(process.name()).append(" (last 60 lines) =====\n").append(process.logTail(60))
                    .append("\n----- its readiness now, asked on a new connection: ").append(readiness.status()).append(' ')
                    .append(readiness.body()).append('\n');
        }
        // A service that stopped answering says why only in its threads.
        for (ServiceProcess service : List.of(inventory, order)) {
            all.append("\n===== ").append(service.name()).append(" (heap and threads) =====\n").append(service.threadsAndHeap());
        }
        return all.toString();
    }

    @Override
    public void close() {
        all().forEach(ServiceProcess::kill);
    }
}
