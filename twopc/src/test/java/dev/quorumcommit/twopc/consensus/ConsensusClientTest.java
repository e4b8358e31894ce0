package dev.quorumcommit.twopc.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import dev.quorumcommit.twopc.Decision;

class ConsensusClientTest {

    private final FakeConsensusNode.Cluster cluster = new FakeConsensusNode.Cluster();
    private final List<FakeConsensusNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(FakeConsensusNode::close);
    }

    @Test
    void putIfAbsentWritesOnceAndThenReturnsWhatIsThere() throws IOException {
        ConsensusClient client = client(startNodes(3), 3);

        KvEntry first = client.putIfAbsent("tx:1:decision", "COMMIT");
        KvEntry second = client.putIfAbsent("tx:1:decision", "ABORT");

        assertThat(first.value().asString()).isEqualTo("COMMIT");
        assertThat(second.value().asString()).isEqualTo("COMMIT");
        assertThat(second.revision()).isEqualTo(first.revision());
        assertThat(client.get("tx:1:decision")).hasValueSatisfying(e -> assertThat(e.value().asString()).isEqualTo("COMMIT"));
    }

    @Test
    void anAbsentKeyIsEmptyNotAnError() throws IOException {
        assertThat(client(startNodes(1), 3).get("tx:none:decision")).isEmpty();
    }

    @Test
    void writesGoToTheLeaderTheClusterNamesSavingTheFollowersForwardingHop() throws IOException {
        List<URI> uris = startNodes(3);
        cluster.leader = uris.get(2);

        client(uris, 3).putIfAbsent("k", "v");

        assertThat(cluster.requests).singleElement().asString().endsWith(uris.get(2).toString());
    }

    @Test
    void aLeaderOutsideTheConfiguredNodesChangesNothing() throws IOException {
        List<URI> uris = startNodes(2);
        cluster.leader = URI.create("http://10.0.0.9:9001");

        client(uris, 3).putIfAbsent("k", "v");

        assertThat(cluster.requests).singleElement().asString().endsWith(uris.get(0).toString());
    }

    @Test
    void aNodeThatIsDownIsSkippedForTheNext() throws IOException {
        List<URI> uris = startNodes(3);
        nodes.get(0).close();

        KvEntry entry = client(uris, 3).putIfAbsent("k", "v");

        assertThat(entry.value().asString()).isEqualTo("v");
        assertThat(cluster.requests).singleElement().asString().endsWith(uris.get(1).toString());
    }

    /**
     * A node that does not answer the client's look for the leader (frozen, or a stopped container whose address
     * times out instead of refusing) is not sent the call itself next: that would wait out a second timeout on it.
     */
    @Test
    void aNodeThatDoesNotAnswerTheLookForTheLeaderIsNotSentTheCallToo() throws IOException {
        List<URI> uris = startNodes(2);
        nodes.get(0).freeze();
        try {
            KvEntry entry = client(uris, 3).putIfAbsent("k", "v");

            assertThat(entry.value().asString()).isEqualTo("v");
            assertThat(cluster.requests).singleElement().asString().endsWith(uris.get(1).toString());
        } finally {
            nodes.get(0).release(); // a request waiting in it would keep its server from stopping
        }
    }

    @Test
    void retryAfterOfA503IsHonouredBeforeTryingAgain() throws IOException {
        List<URI> uris = startNodes(2);
        nodes.forEach(n -> n.loseQuorum("1"));
        ConsensusClient client = client(uris, 2);

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.get("k")).isInstanceOf(ConsensusUnavailableException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(cluster.requests).hasSize(2);
    }

    @Test
    void aQuorumComingBackDuringTheRetriesLetsTheCallSucceed() throws IOException {
        List<URI> uris = startNodes(1);
        nodes.get(0).loseQuorumFor(3, "0"); // back for the fourth of five attempts
        ConsensusClient client = client(uris, 5);

        assertThat(client.putIfAbsent("k", "v").value().asString()).isEqualTo("v");
        assertThat(cluster.requests).hasSize(4);
    }

    @Test
    void aRetriedWriteKeepsItsIdempotencyKeySoItIsAppliedOnce() throws IOException {
        List<URI> uris = startNodes(3);
        nodes.get(0).applyThenLoseAnswer();

        KvEntry entry = client(uris, 3).putIfAbsent("k", Decision.COMMIT.name());

        assertThat(cluster.idempotencyKeys).hasSize(2).doesNotContainNull().containsOnly(cluster.idempotencyKeys.get(0));
        assertThat(entry.revision()).isEqualTo(1);
        assertThat(cluster.index.get()).isEqualTo(1);
    }

    @Test
    void aWriteWhoseAnswerBreaksOffMidwayIsRetriedOnTheNextNodeAndAppliedOnce() throws IOException {
        List<URI> uris = startNodes(3);
        nodes.get(0).applyThenCutAnswer();

        KvEntry entry = client(uris, 3).putIfAbsent("k", Decision.COMMIT.name());

        assertThat(entry.value().asString()).isEqualTo("COMMIT");
        assertThat(cluster.idempotencyKeys).hasSize(2).containsOnly(cluster.idempotencyKeys.get(0));
        assertThat(cluster.index.get()).isEqualTo(1);
    }

    @Test
    void aRefusedRequestIsABugAndIsNotRetried() throws IOException {
        ConsensusClient client = client(startNodes(3), 3);

        assertThatThrownBy(() -> client.get("")).isInstanceOf(ConsensusRequestException.class);
        assertThat(cluster.requests).hasSize(1);
    }

    /** One after the other, the second node would be asked only once the first question timed out (2 s here). */
    @Test
    void reachabilityAsksEveryNodeAtOnceSoFrozenNodesCostOneTimeoutNotOneEach() throws Exception {
        List<URI> uris = startNodes(3);
        nodes.forEach(FakeConsensusNode::freeze);
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var roles = threads.submit(() -> client(uris, 1).reachability());

            await().atMost(Duration.ofMillis(1500)).until(() -> cluster.clusterViews.size() == 3);
            assertThat(cluster.clusterViews).containsExactlyInAnyOrderElementsOf(uris);
            assertThat(roles.get(10, java.util.concurrent.TimeUnit.SECONDS)).hasSize(3).containsOnlyKeys(
                    uris.stream().map(URI::toString).toList()).allSatisfy((node, role) -> assertThat(role).isEqualTo("UNREACHABLE"));
        } finally {
            nodes.forEach(FakeConsensusNode::release);
        }
    }

    @Test
    void reachabilityNamesEveryNode() throws IOException {
        List<URI> uris = startNodes(3);
        nodes.get(2).close();

        assertThat(client(uris, 1).reachability()).containsEntry(uris.get(0).toString(), "FOLLOWER")
                .containsEntry(uris.get(2).toString(), "UNREACHABLE");
    }

    @Test
    void theDecisionRegisterObeysTheFirstDecision() throws IOException {
        ConsensusDecisionRegister register = register(client(startNodes(3), 3), 1);

        assertThat(register.read("t1")).isEmpty();
        assertThat(register.decide("t1", Decision.ABORT)).isEqualTo(Decision.ABORT);
        assertThat(register.decide("t1", Decision.COMMIT)).isEqualTo(Decision.ABORT);
        assertThat(register.read("t1")).contains(Decision.ABORT);
        assertThat(cluster.kv).containsOnlyKeys("tx:t1:decision");
    }

    @Test
    void forgottenDecisionsGoInOneRequestAndARetryAfterALostAnswerDeletesNothingTwice() throws IOException {
        List<URI> uris = startNodes(3);
        ConsensusDecisionRegister register = register(client(uris, 3), 1);
        register.decide("t1", Decision.COMMIT);
        register.decide("t2", Decision.ABORT);
        register.decide("kept", Decision.COMMIT);
        cluster.requests.clear();
        cluster.idempotencyKeys.clear();
        nodes.get(0).applyThenLoseAnswer(); // applied, then the answer is lost: the client tries the next node

        register.forget(List.of("t1", "t2", "never-decided"));

        assertThat(cluster.kv).containsOnlyKeys("tx:kept:decision");
        assertThat(register.read("t1")).isEmpty();
        assertThat(cluster.requests).filteredOn(r -> r.startsWith("POST deletes")).hasSize(2);
        assertThat(cluster.idempotencyKeys).hasSize(2).doesNotContainNull().containsOnly(cluster.idempotencyKeys.get(0));
        register.forget(List.of()); // nothing to forget, nothing sent
        assertThat(cluster.requests).filteredOn(r -> r.startsWith("POST deletes")).hasSize(2);
    }

    @Test
    void decisionsTakenTogetherAreWrittenInOneRequestEachUnderItsOwnKey() throws Exception {
        List<URI> uris = startNodes(1);
        ConsensusDecisionRegister register = register(client(uris, 3), 1);
        register.decide("taken", Decision.ABORT);
        cluster.requests.clear();
        nodes.get(0).stall(); // the next request waits until released: the decisions taken meanwhile queue behind it

        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var first = threads.submit(() -> register.decide("t0", Decision.COMMIT));
            await().until(() -> cluster.requests.size() == 1);
            List<java.util.concurrent.Future<Decision>> queued = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                String txId = "t" + i;
                queued.add(threads.submit(() -> register.decide(txId, Decision.COMMIT)));
            }
            var late = threads.submit(() -> register.decide("taken", Decision.COMMIT));
            // The queued decisions must not leave while the first request is under way.
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> cluster.requests.size() == 1);
            nodes.get(0).release();

            assertThat(first.get()).isEqualTo(Decision.COMMIT);
            for (var decision : queued) {
                assertThat(decision.get()).isEqualTo(Decision.COMMIT);
            }
            assertThat(late.get()).isEqualTo(Decision.ABORT); // the first decision stands, batch or not
        }
        assertThat(cluster.requests).containsExactly("POST batch @" + uris.get(0), "POST batch @" + uris.get(0));
        for (int i = 0; i <= 20; i++) {
            assertThat(cluster.kv.get("tx:t" + i + ":decision").get("value").asString()).isEqualTo("COMMIT");
        }
        assertThat(cluster.kv.get("tx:taken:decision").get("value").asString()).isEqualTo("ABORT");
    }

    @Test
    void aBatchThatFailsFailsEachOfItsDecisionsAsUnavailable() throws IOException {
        List<URI> uris = startNodes(1);
        nodes.get(0).loseQuorum("0");

        assertThatThrownBy(() -> register(client(uris, 2), 2).decide("t1", Decision.COMMIT))
                .isInstanceOf(ConsensusUnavailableException.class);
        assertThat(cluster.kv).isEmpty();
    }

    /**
     * A cluster that answers nothing (every node frozen) would hold a decision for all the client's retries, each
     * waiting out its read timeout; the register gives up after its decision wait. The decision already sent may
     * still be applied; the one still queued behind it is withdrawn, never sent.
     */
    @Test
    void aDecisionTheClusterDoesNotAnswerWithinTheWaitIsUnknownAndOneStillQueuedIsNeverSent() throws Exception {
        List<URI> uris = startNodes(1);
        ConsensusDecisionRegister register = new ConsensusDecisionRegister(client(uris, 3), 1, Duration.ofMillis(300),
                Thread::startVirtualThread);
        nodes.get(0).stall();

        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            long started = System.nanoTime();
            var sent = threads.submit(() -> register.decide("sent", Decision.COMMIT));
            await().until(() -> cluster.requests.size() == 1);
            var queued = threads.submit(() -> register.decide("queued", Decision.COMMIT));

            assertThat(assertThrows(sent)).isInstanceOf(ConsensusUnavailableException.class)
                    .hasMessageContaining("within PT0.3S").hasMessageContaining("may still be applied");
            assertThat(assertThrows(queued)).isInstanceOf(ConsensusUnavailableException.class)
                    .hasMessageContaining("withdrawn");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well before the read timeout's 2 s")
                    .isLessThan(Duration.ofMillis(1500));
        }
        nodes.get(0).release();

        await().until(() -> cluster.kv.containsKey("tx:sent:decision"));
        assertThat(register.decide("sent", Decision.ABORT)).as("what went out stands").isEqualTo(Decision.COMMIT);
        assertThat(cluster.requests).as("the stalled batch and the last decide: the withdrawn decision never left")
                .containsExactly("POST batch @" + uris.get(0), "POST batch @" + uris.get(0));
        assertThat(cluster.kv).doesNotContainKey("tx:queued:decision");
    }

    private static Throwable assertThrows(java.util.concurrent.Future<Decision> decision) {
        try {
            return org.assertj.core.api.Assertions.fail("decided " + decision.get(5, java.util.concurrent.TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the decision's wait did not end", e);
        }
    }

    private static ConsensusDecisionRegister register(ConsensusClient client, int inFlight) {
        return new ConsensusDecisionRegister(client, inFlight, Duration.ofSeconds(30), Thread::startVirtualThread);
    }

    private List<URI> startNodes(int count) throws IOException {
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            FakeConsensusNode node = new FakeConsensusNode(cluster);
            nodes.add(node);
            uris.add(node.uri());
        }
        return uris;
    }

    static ConsensusClient client(List<URI> uris, int attempts) {
        RetryConfig base = RetryConfig.custom().maxAttempts(attempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(10), 2.0, 0.5)).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build());
        factory.setReadTimeout(Duration.ofSeconds(2));
        return new ConsensusClient(uris, RestClient.builder().requestFactory(factory).build(),
                Retry.of("consensus-test", ConsensusRetries.honouringRetryAfter(base)));
    }
}
