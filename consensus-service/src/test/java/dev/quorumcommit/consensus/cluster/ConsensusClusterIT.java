package dev.quorumcommit.consensus.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.quorumcommit.testing.SmallDisk;

/**
 * Three consensus-service jars as real processes, killed with SIGKILL and cut off with the chaos
 * switch: every acknowledged write survives, on every node, once, in the same order.
 */
@ExtendWith(ClusterLogsOnFailure.class)
class ConsensusClusterIT {

    private static final Duration ELECTION = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    ProcessCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theLeaderKilledUnderConcurrentAppendsLosesNoAcknowledgedEntry() throws Exception {
        cluster = new ProcessCluster(dir, 3, List.of()).start();
        NodeProcess leader = cluster.awaitLeader(ELECTION);

        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<FutureTask<Void>> writers = new ArrayList<>();
        NodeProcess next;
        try {
            for (int w = 0; w < 8; w++) {
                int writer = w;
                writers.add(startWriter(() -> {
                    for (int n = 0; writing.get() && n < 2_000; n++) {
                        String id = "w" + writer + "-" + n;
                        Long index = appendUntilAcknowledged(id, Duration.ofSeconds(20));
                        if (index != null) {
                            acknowledged.put(id, index);
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 100);
            leader.kill();
            int beforeKill = acknowledged.size();
            next = cluster.awaitLeader(ELECTION);
            assertThat(next.id).isNotEqualTo(leader.id);
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= beforeKill + 100);
            writing.set(false);
            // A writer may be inside appendUntilAcknowledged: up to 20 s of patience plus one 15 s request.
            awaitWriters(writers, ELECTION);
        } finally {
            writing.set(false);
            stopWriters(writers);
        }
        // No writer adds to acknowledged from here on: the logs are compared with what they were told.

        String metrics = Api.get(next.url() + "/actuator/prometheus").body();
        assertThat(metrics).contains("raft_term", "raft_role", "raft_commit_index", "raft_applied_index", "raft_leader_changes",
                "raft_proposals_pending", "raft_proposal_latency", "raft_append_batch_size", "raft_fsync_latency", "raft_peer_match_index");
        assertThat(Api.get(next.url() + "/actuator/health").json().path("components").path("raft").path("status").asString()).isEqualTo("UP");

        leader.start();
        awaitAllCaughtUp();
        assertEveryLogAlikeHoldingEachAcknowledgedEntryOnceWhereItWasAcknowledged(acknowledged);
    }

    @Test
    void allThreeKilledAtOnceAndRestartedLoseNothingAcknowledged() {
        cluster = new ProcessCluster(dir, 3, List.of()).start();
        cluster.awaitLeader(ELECTION);
        Map<String, Long> acknowledged = new HashMap<>();
        for (int n = 0; n < 100; n++) {
            acknowledged.put("e" + n, appendUntilAcknowledged("e" + n, Duration.ofSeconds(20)));
        }
        Api.Answer put = Api.put(cluster.node("n2").url() + "/api/kv/survivor", "{\"value\": {\"kept\": true}}");
        assertThat(put.status()).isEqualTo(200);

        cluster.nodes.values().forEach(NodeProcess::kill);
        cluster.nodes.values().forEach(NodeProcess::start);
        cluster.awaitLeader(ELECTION);

        for (NodeProcess node : cluster.nodes.values()) {
            Api.Answer kv = Api.get(node.url() + "/api/kv/survivor");
            assertThat(kv.status()).as("linearizable read on %s", node.id).isEqualTo(200);
            assertThat(kv.json().path("value").path("kept").asBoolean()).isTrue();
            assertThat(kv.json().path("revision").asLong()).isEqualTo(put.json().path("revision").asLong());
        }
        awaitAllCaughtUp();
        Map<Long, String> log = new HashMap<>();
        LogReader.readAll(cluster.node("n3")).forEach(item -> log.put(item.index(), payloadId(item.payload())));
        acknowledged.forEach((id, index) -> assertThat(log.get(index)).as("the entry at %d", index).isEqualTo(id));
    }

    @Test
    void aNodeThatWasDownWhileTheOthersCompactedCatchesUpThroughASnapshot() {
        cluster = new ProcessCluster(dir, 3, List.of("--consensus.retained-entries=20")).start();
        NodeProcess leader = cluster.awaitLeader(ELECTION);
        NodeProcess lagging = cluster.nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        lagging.kill();
        for (int n = 0; n < 120; n++) {
            appendUntilAcknowledged("s" + n, Duration.ofSeconds(20));
        }
        Api.Answer put = Api.put(leader.url() + "/api/kv/before-restart", "{\"value\": 42}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(Api.get(leader.url() + "/api/log/1").status()).as("compacted on the leader").isEqualTo(410);

        lagging.start();
        awaitAllCaughtUp();
        Api.Answer stale = Api.get(lagging.url() + "/api/kv/before-restart?consistency=stale");
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.json().path("value").asInt()).isEqualTo(42);
        assertThat(Api.get(lagging.url() + "/api/log/1").status()).as("the restarted node holds a snapshot, not the old log").isEqualTo(410);
        long last = Api.get(leader.url() + "/api/cluster").json().path("commitIndex").asLong();
        assertThat(Api.get(lagging.url() + "/api/log/" + (last - 5)).status()).isEqualTo(200);
    }

    @Test
    void aReadAfterAnAcknowledgedWriteSeesItThroughAnyNodeEvenRightAfterALeaderChange() {
        cluster = new ProcessCluster(dir, 3, List.of()).start();
        NodeProcess leader = cluster.awaitLeader(ELECTION);
        assertThat(Api.put(leader.url() + "/api/kv/color", "{\"value\": \"red\"}").status()).isEqualTo(200);
        for (NodeProcess node : cluster.nodes.values()) {
            assertThat(Api.get(node.url() + "/api/kv/color").json().path("value").asString()).as(node.id).isEqualTo("red");
        }
        leader.kill();
        List<NodeProcess> survivors = cluster.alive();
        await("a write through a survivor").atMost(ELECTION).pollInterval(Duration.ofMillis(100))
                .until(() -> Api.put(survivors.get(0).url() + "/api/kv/color", "{\"value\": \"blue\"}").status() == 200);
        for (NodeProcess node : survivors) {
            assertThat(Api.get(node.url() + "/api/kv/color").json().path("value").asString()).as(node.id).isEqualTo("blue");
        }
    }

    @Test
    void everyNodeHearsEveryOtherOnItsStreamsAndStopsHearingOneThatIsKilled() {
        cluster = new ProcessCluster(dir, 3, List.of()).start();
        cluster.awaitLeader(ELECTION);
        for (NodeProcess node : cluster.nodes.values()) {
            await(node.id + " hears every peer").atMost(Duration.ofSeconds(10))
                    .until(() -> reachable(node), peers -> peers.values().stream().allMatch(Boolean::booleanValue));
        }
        NodeProcess killed = cluster.nodes.values().iterator().next();
        killed.kill();
        for (NodeProcess node : cluster.alive()) {
            // followers too: the peer streams carry keep-alives between nodes that have nothing else to say
            await(node.id + " stops hearing " + killed.id).atMost(Duration.ofSeconds(10))
                    .until(() -> reachable(node).get(killed.id), heard -> !heard);
        }
    }

    private static Map<String, Boolean> reachable(NodeProcess node) {
        Map<String, Boolean> peers = new java.util.TreeMap<>();
        for (var member : Api.get(node.url() + "/api/cluster").json().path("members")) {
            if (!member.path("self").asBoolean()) {
                peers.put(member.path("id").asString(), member.path("reachable").asBoolean());
            }
        }
        return peers;
    }

    @Test
    void aLeaderCutOffByTheChaosSwitchStopsAnsweringWhileTheMajorityElectsANewOne() {
        cluster = new ProcessCluster(dir, 3, List.of("--consensus.request-timeout=2s")).start();
        NodeProcess leader = cluster.awaitLeader(ELECTION);
        List<String> others = cluster.nodes.keySet().stream().filter(id -> !id.equals(leader.id)).toList();
        Api.Answer cut = Api.post(leader.url() + "/api/chaos/partition", "{\"peers\": [\"" + others.get(0) + "\", \"" + others.get(1) + "\"]}", null);
        assertThat(cut.status()).isEqualTo(200);

        await("the majority elects another leader").atMost(ELECTION).pollInterval(Duration.ofMillis(200)).until(() -> {
            Api.Answer view = Api.get(cluster.node(others.get(0)).url() + "/api/cluster");
            return view.status() == 200 && others.contains(view.json().path("leaderId").asString(""));
        });
        Api.Answer write = Api.post(leader.url() + "/api/log", "{\"payload\": \"lost?\"}", null);
        assertThat(write.status()).as("a write to the cut-off leader").isEqualTo(503);
        assertThat(write.headers()).containsKey("retry-after");
        assertThat(Api.get(leader.url() + "/api/kv/anything").status()).as("a linearizable read there").isEqualTo(503);
        await("the cut-off node is no longer ready").atMost(ELECTION)
                .until(() -> Api.get(leader.url() + "/actuator/health/readiness").status() == 503);
        assertThat(Api.post(cluster.node(others.get(1)).url() + "/api/log", "{\"payload\": \"majority\"}", null).status()).isEqualTo(201);

        Api.Answer view = Api.get(cluster.node(others.get(0)).url() + "/api/cluster");
        NodeProcess newLeader = cluster.node(view.json().path("leaderId").asString());
        String tag = "[" + newLeader.id + " term " + view.json().path("term").asLong() + "]";
        await("the new leader's log lines carry its id and term").atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(Files.readAllLines(newLeader.logFile)).anySatisfy(line -> assertThat(line).contains(tag).contains("LEADER")));

        assertThat(Api.post(leader.url() + "/api/chaos/heal", "{}", null).status()).isEqualTo(200);
        awaitAllCaughtUp();
    }

    @Test
    void aFullIdempotencyTableRefusesNewKeysButStillAnswersRetriesOfRememberedOnes() throws Exception {
        cluster = new ProcessCluster(dir, 3, List.of("--consensus.idempotency.max-keys=1000")).start();
        NodeProcess leader = cluster.awaitLeader(ELECTION);
        List<FutureTask<Void>> writers = new ArrayList<>();
        Map<String, Long> first = new ConcurrentHashMap<>();
        try {
            for (int w = 0; w < 8; w++) {
                int writer = w;
                writers.add(startWriter(() -> {
                    for (int n = writer; n < 1000; n += 8) {
                        Api.Answer answer = Api.post(leader.url() + "/api/log", "{\"payload\": " + n + "}", "key-" + n);
                        assertThat(answer.status()).as("keyed write %d", n).isEqualTo(201);
                        first.put("key-" + n, answer.json().path("index").asLong());
                    }
                }));
            }
            // A failed assertion in a writer comes out here, as the cause of the test's failure.
            awaitWriters(writers, ELECTION.multipliedBy(2));
        } finally {
            stopWriters(writers);
        }
        assertThat(first).as("every keyed write below the limit acknowledged").hasSize(1000);
        NodeProcess follower = cluster.alive().stream().filter(n -> n != leader).findFirst().orElseThrow();

        Api.Answer refused = Api.post(follower.url() + "/api/log", "{\"payload\": \"one too many\"}", "key-1000");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.headers()).containsKey("retry-after");
        assertThat(refused.json().path("title").asString()).isEqualTo("Too many Idempotency-Keys remembered");
        Api.Answer retry = Api.post(follower.url() + "/api/log", "{\"payload\": 7}", "key-7");
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.json().path("index").asLong()).isEqualTo(first.get("key-7"));
        assertThat(Api.post(follower.url() + "/api/log", "{\"payload\": \"no key\"}", null).status()).isEqualTo(201);
        assertThat(LogReader.readAll(leader)).as("nothing of the refused write").noneMatch(e -> e.payload().contains("one too many"));
    }

    @Test
    void aLeaderWhoseDiskFillsStopsAndSaysWhyWhileTheOthersGoOnAndCatchesUpOnceThereIsRoom() throws Exception {
        cluster = new ProcessCluster(dir, 3, List.of());
        Map<String, SmallDisk> disks = new LinkedHashMap<>();
        try {
            for (NodeProcess node : cluster.nodes.values()) {
                SmallDisk disk = SmallDisk.mount(node.dataDir, 32);
                assumeTrue(disk != null, "mounting a tmpfs for a node's data needs root (CI runs as root)");
                disks.put(node.id, disk);
            }
            cluster.start();
            NodeProcess full = cluster.awaitLeader(ELECTION);
            Map<String, Long> acknowledged = new LinkedHashMap<>();
            for (int n = 0; n < 5; n++) {
                acknowledged.put("d" + n, appendUntilAcknowledged("d" + n, Duration.ofSeconds(20)));
            }

            SmallDisk fullDisk = disks.get(full.id);
            fullDisk.fill(256 * 1024);
            String padding = "x".repeat(64 * 1024); // four of these fill what is left
            for (int n = 5; n < 40; n++) {
                acknowledged.put("d" + n, appendUntilAcknowledged("d" + n, padding, Duration.ofSeconds(30)));
            }
            assertThat(acknowledged).as("every write acknowledged, the last ones by the two others").doesNotContainValue(null);

            JsonNode raft = Api.get(full.url() + "/actuator/health").json().path("components").path("raft");
            assertThat(raft.path("status").asString()).isEqualTo("DOWN");
            assertThat(raft.path("details").path("stoppedBy").asString()).contains("No space left on device");
            assertThat(Api.get(full.url() + "/actuator/health/readiness").status()).as("out of a load balancer's rotation")
                    .isEqualTo(503);
            JsonNode fullView = Api.get(full.url() + "/api/cluster").json();
            assertThat(fullView.path("role").asString()).as("a stopped leader leads no more").isEqualTo("FOLLOWER");
            assertThat(fullView.path("leaderId").isNull()).isTrue();
            assertThat(fullView.path("stoppedBy").asString()).contains("No space left on device");
            for (NodeProcess other : cluster.nodes.values()) {
                if (other != full) {
                    assertThat(Api.get(other.url() + "/api/cluster").json().path("leaderId").asString())
                            .as("the leader %s follows", other.id).isNotEqualTo(full.id);
                }
            }

            fullDisk.makeRoom();
            full.kill();
            full.start();
            awaitAllCaughtUp();
            assertEveryLogAlikeHoldingEachAcknowledgedEntryOnceWhereItWasAcknowledged(acknowledged);
        } finally {
            cluster.close();
            disks.values().forEach(SmallDisk::close);
        }
    }

    /** Runs {@code body} on a virtual thread of its own; the future it answers carries whatever the body threw. */
    private static FutureTask<Void> startWriter(Runnable body) {
        FutureTask<Void> writer = new FutureTask<>(body, null);
        Thread.ofVirtual().start(writer);
        return writer;
    }

    /**
     * Waits, within {@code patience} for them all, until every writer has ended; fails the test with a writer's own
     * failure (an assertion in it included) or, if one is still running, says so rather than going on beside it.
     */
    private static void awaitWriters(List<FutureTask<Void>> writers, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        for (FutureTask<Void> writer : writers) {
            try {
                writer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("a writer failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError("a writer has not ended within " + patience, e);
            }
        }
    }

    /** Interrupts any writer still running (after a failure), so none writes on into a later test's cluster. */
    private static void stopWriters(List<FutureTask<Void>> writers) {
        writers.forEach(writer -> writer.cancel(true));
    }

    private Long appendUntilAcknowledged(String id, Duration patience) {
        return appendUntilAcknowledged(id, "", patience);
    }

    /** Appends {@code {"id": id, "pad": padding}} through any live node, again with the same key until one says 201. */
    private Long appendUntilAcknowledged(String id, String padding, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            List<NodeProcess> alive = cluster.alive();
            if (alive.isEmpty()) {
                return null;
            }
            NodeProcess any = alive.get(ThreadLocalRandom.current().nextInt(alive.size()));
            Api.Answer answer = Api.post(any.url() + "/api/log",
                    "{\"payload\": {\"id\": \"" + id + "\"" + (padding.isEmpty() ? "" : ", \"pad\": \"" + padding + "\"") + "}}", id);
            if (answer.status() == 201) {
                return answer.json().path("index").asLong();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void awaitAllCaughtUp() {
        await("every node applied the same commit index").atMost(ELECTION).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).until(() -> {
            List<Long> applied = new ArrayList<>();
            for (NodeProcess node : cluster.nodes.values()) {
                Api.Answer view = Api.get(node.url() + "/api/cluster");
                if (view.status() != 200) {
                    return false;
                }
                applied.add(view.json().path("lastApplied").asLong());
            }
            return applied.stream().distinct().count() == 1 && applied.getFirst() > 0;
        });
    }

    private void assertEveryLogAlikeHoldingEachAcknowledgedEntryOnceWhereItWasAcknowledged(Map<String, Long> acknowledged) {
        List<LogReader.Item> reference = LogReader.readAll(cluster.node("n1"));
        for (NodeProcess node : cluster.nodes.values()) {
            assertThat(LogReader.readAll(node)).as("the log of %s", node.id).isEqualTo(reference);
        }
        Map<String, List<Long>> positions = new HashMap<>();
        for (LogReader.Item item : reference) {
            String id = payloadId(item.payload());
            if (id != null) {
                positions.computeIfAbsent(id, k -> new ArrayList<>()).add(item.index());
            }
        }
        acknowledged.forEach((id, index) -> assertThat(positions.get(id)).as("where %s is in the log", id).containsExactly(index));
    }

    private static String payloadId(String payloadJson) {
        int at = payloadJson.indexOf("\"id\":\"");
        return at < 0 ? null : payloadJson.substring(at + 6, payloadJson.indexOf('"', at + 6));
    }
}
