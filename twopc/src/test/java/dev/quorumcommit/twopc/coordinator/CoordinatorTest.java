package dev.quorumcommit.twopc.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.InMemoryDecisionRegister;
import dev.quorumcommit.twopc.TwoPcMetrics;
import dev.quorumcommit.twopc.Vote;
import dev.quorumcommit.twopc.VoteReply;

class CoordinatorTest {

    private final FakeParticipant inventory = new FakeParticipant("inventory");
    private final FakeParticipant order = new FakeParticipant("order");
    private final InMemoryDecisionRegister register = new InMemoryDecisionRegister();
    /** When set, what the log lists as unfinished: the list a recovery pass took before the transactions moved on. */
    private volatile List<String> listedEarlier;
    private final List<String> askedToMarkFinished = new CopyOnWriteArrayList<>();
    /** The transactions whose marks fail, as a database gone at that moment would fail them. */
    private final Set<String> marksFailFor = ConcurrentHashMap.newKeySet();
    private final InMemoryTransactionLog log = new InMemoryTransactionLog() {
        @Override
        public List<String> unfinishedIds() {
            List<String> earlier = listedEarlier;
            return earlier != null ? earlier : super.unfinishedIds();
        }

        @Override
        public boolean markFinished(String txId) {
            askedToMarkFinished.add(txId);
            if (marksFailFor.contains(txId)) {
                throw new IllegalStateException("the database is gone");
            }
            return super.markFinished(txId);
        }
    };
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TwoPcMetrics metrics = new TwoPcMetrics(meters, "coordinator");
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final DecisionDelivery delivery = new DecisionDelivery(log,
            Map.of("inventory", inventory, "order", order), Retry.of("phase-two", RetryConfig.custom().maxAttempts(3)
                    .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(5), 2.0, 0.5)).build()),
            executor);
    private final Coordinator coordinator = new Coordinator(log, register,
            new Preparation(TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(300)).build()),
                    scheduler, executor),
            delivery, metrics, Clock.systemUTC(), Duration.ofSeconds(2));
    private final CoordinatorRecovery recovery = new CoordinatorRecovery(log, register, delivery, coordinator, metrics,
            Clock.systemUTC());

    @AfterEach
    void stop() {
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    @Test
    void everyYesCommitsAndEveryParticipantAcknowledges() {
        Outcome outcome = coordinator.run("t1", List.of(inventory.branch(), order.branch()));

        assertThat(outcome.decision()).isEqualTo(Decision.COMMIT);
        assertThat(outcome.allAcknowledged()).isTrue();
        assertThat(register.read("t1")).contains(Decision.COMMIT);
        assertThat(inventory.received).containsExactly("prepare t1", "commit t1");
        assertThat(order.received).containsExactly("prepare t1", "commit t1");
        assertThat(log.find("t1")).hasValueSatisfying(tx -> {
            assertThat(tx.finished()).isTrue();
            assertThat(tx.participants()).extracting(ParticipantRecord::vote).containsOnly(Vote.YES);
        });
        assertThat(meters.get("twopc.transactions").tag("outcome", "commit").counter().count()).isEqualTo(1);
        assertThat(meters.get("twopc.decision.latency").timer().count()).isEqualTo(1);
        // Marked finished by the delivery that saw the last acknowledgement, so no recovery pass lists it again.
        assertThat(askedToMarkFinished).containsExactly("t1");
        assertThat(log.unfinishedIds()).doesNotContain("t1");
    }

    @Test
    void oneNoAbortsEverybodyAndSaysWhy() {
        inventory.vote = VoteReply.no("not enough stock for SKU A: 2 available, 5 asked");

        Outcome outcome = coordinator.run("t2", List.of(inventory.branch(), order.branch()));

        assertThat(outcome.decision()).isEqualTo(Decision.ABORT);
        assertThat(outcome.reasons()).containsExactly("not enough stock for SKU A: 2 available, 5 asked");
        assertThat(order.received).containsExactly("prepare t2", "abort t2");
        assertThat(inventory.received).containsExactly("prepare t2", "abort t2");
    }

    @Test
    void aParticipantSilentPastThePrepareLimitCountsAsNo() {
        inventory.prepareGate = new CountDownLatch(1); // silent until the test ends: a coordinator that waited hangs
        try {
            Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> coordinator.run("t3", List.of(inventory.branch(), order.branch())));

            assertThat(outcome.decision()).isEqualTo(Decision.ABORT);
            assertThat(outcome.reasons()).singleElement().asString().contains("inventory did not vote within");
            assertThat(inventory.received).containsExactly("prepare t3", "abort t3");
        } finally {
            inventory.prepareGate.countDown();
        }
    }

    @Test
    void eachStepOfATransactionIsTimedSoThatTheSlowOneShows() {
        inventory.prepareDelayMillis = 150;

        coordinator.run("t-steps", List.of(inventory.branch(), order.branch()));

        for (String step : List.of("record", "prepare", "decide", "finish")) {
            assertThat(stepTimer(step).count()).as(step).isEqualTo(1);
        }
        double prepare = stepTimer("prepare").totalTime(TimeUnit.MILLISECONDS);
        assertThat(prepare).isGreaterThanOrEqualTo(150);
        for (String step : List.of("record", "decide", "finish")) {
            assertThat(stepTimer(step).totalTime(TimeUnit.MILLISECONDS)).as(step).isLessThan(prepare);
        }
    }

    private Timer stepTimer(String step) {
        return meters.get("twopc.step.latency").tag("step", step).timer();
    }

    @Test
    void aParticipantThatThrowsOnPrepareCountsAsNo() {
        Branch broken = new Branch("inventory", txId -> {
            throw new java.io.IOException("connection refused");
        });

        Outcome outcome = coordinator.run("t4", List.of(broken, order.branch()));

        assertThat(outcome.decision()).isEqualTo(Decision.ABORT);
        assertThat(outcome.reasons()).singleElement().asString().contains("connection refused");
    }

    @Test
    void aDecisionAlreadyStandingIsObeyedEvenAgainstTheVotes() {
        register.decide("t5", Decision.ABORT); // a participant gave up waiting and wrote it first

        Outcome outcome = coordinator.run("t5", List.of(inventory.branch(), order.branch()));

        assertThat(outcome.decision()).isEqualTo(Decision.ABORT);
        assertThat(inventory.received).containsExactly("prepare t5", "abort t5");
        assertThat(log.find("t5").orElseThrow().decision()).isEqualTo(Decision.ABORT);
    }

    @Test
    void phaseTwoIsRetriedUntilAcknowledged() {
        inventory.failuresBeforeAck.set(2);

        Outcome outcome = coordinator.run("t6", List.of(inventory.branch(), order.branch()));

        assertThat(outcome.allAcknowledged()).isTrue();
        assertThat(inventory.received).containsExactly("prepare t6", "lost commit t6", "lost commit t6", "commit t6");
    }

    @Test
    void whatPhaseTwoCouldNotDeliverRecoveryDeliversLater() {
        inventory.failuresBeforeAck.set(7); // 3 attempts per delivery: lost by the run and by one recovery pass

        Outcome outcome = coordinator.run("t7", List.of(inventory.branch(), order.branch()));
        assertThat(outcome.allAcknowledged()).isFalse();
        assertThat(log.unfinishedIds()).containsExactly("t7");

        int first = recovery.recover(); // 3 more lost: still owed
        int second = recovery.recover();

        assertThat(first).isZero();
        assertThat(second).isEqualTo(1);
        assertThat(inventory.received).endsWith("commit t7");
        assertThat(order.received).containsExactly("prepare t7", "commit t7");
        assertThat(log.unfinishedIds()).isEmpty();
        assertThat(meters.get("twopc.recovered").counter().count()).isEqualTo(1);
    }

    @Test
    void withoutAQuorumTheOutcomeIsPendingAndRecoveryCommitsOnceItIsBack() {
        register.setAvailable(false);

        Outcome outcome = coordinator.run("t8", List.of(inventory.branch(), order.branch()));

        assertThat(outcome.pending()).isTrue();
        assertThat(recovery.recover()).isZero();
        register.setAvailable(true);
        assertThat(recovery.recover()).isEqualTo(1);
        assertThat(register.read("t8")).contains(Decision.COMMIT);
        assertThat(inventory.received).containsExactly("prepare t8", "commit t8");
        assertThat(meters.find("twopc.transactions").counters()).as("counted once, when recovery recorded it")
                .singleElement().satisfies(c -> {
                    assertThat(c.getId().getTag("outcome")).isEqualTo("commit");
                    assertThat(c.count()).isEqualTo(1);
                });
    }

    /** A register that fails in a way that is not an outage while {@code failing} names the transaction. */
    private final class FaultyRegister implements DecisionRegister {
        volatile String failing;

        @Override
        public Decision decide(String txId, Decision proposal) {
            fail(txId);
            return register.decide(txId, proposal);
        }

        @Override
        public java.util.Optional<Decision> read(String txId) {
            fail(txId);
            return register.read(txId);
        }

        @Override
        public void forget(List<String> txIds) {
            register.forget(txIds);
        }

        @Override
        public String keyOf(String txId) {
            return register.keyOf(txId);
        }

        private void fail(String txId) {
            if (txId.equals(failing)) {
                throw new IllegalStateException("an answer the client did not expect");
            }
        }
    }

    @Test
    void anUnexpectedRegisterFailureLeavesTheOrderPendingWithItsVotesForRecoveryToCommit() {
        FaultyRegister faulty = new FaultyRegister();
        faulty.failing = "t11";
        Coordinator withFaultyRegister = new Coordinator(log, faulty,
                new Preparation(TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(300)).build()),
                        scheduler, executor),
                delivery, metrics, Clock.systemUTC(), Duration.ofSeconds(2));

        Outcome outcome = withFaultyRegister.run("t11", List.of(inventory.branch(), order.branch()));

        assertThat(outcome.pending()).isTrue();
        assertThat(log.find("t11").orElseThrow().participants()).extracting(ParticipantRecord::vote)
                .containsOnly(Vote.YES);
        assertThat(recovery.recover()).isEqualTo(1);
        assertThat(register.read("t11")).contains(Decision.COMMIT);
        assertThat(inventory.received).containsExactly("prepare t11", "commit t11");
    }

    @Test
    void aTransactionRecoveryCannotFinishDoesNotHoldUpTheOnesAfterIt() {
        FaultyRegister faulty = new FaultyRegister();
        faulty.failing = "t12";
        CoordinatorRecovery withFaultyRegister = new CoordinatorRecovery(log, faulty, delivery, coordinator, metrics,
                Clock.systemUTC());
        log.begin("t12", List.of("inventory", "order"), Instant.now()); // first in the list: its pass fails
        log.begin("t13", List.of("inventory", "order"), Instant.now().plusMillis(1));

        assertThat(withFaultyRegister.recover()).isEqualTo(1);

        assertThat(register.read("t13")).contains(Decision.ABORT);
        assertThat(log.unfinishedIds()).containsExactly("t12");
        faulty.failing = null;
        assertThat(withFaultyRegister.recover()).isEqualTo(1);
        assertThat(log.unfinishedIds()).isEmpty();
    }

    @Test
    void aTransactionCutShortBeforeItsVotesIsAbortedByRecovery() {
        log.begin("t9", List.of("inventory", "order"), Instant.now()); // then the process died
        log.recordVote("t9", "order", VoteReply.yes());

        assertThat(recovery.recover()).isEqualTo(1);

        assertThat(register.read("t9")).contains(Decision.ABORT);
        assertThat(inventory.received).containsExactly("abort t9");
        assertThat(order.received).containsExactly("abort t9");
    }

    @Test
    void recoveryObeysADecisionItFindsInTheRegister() {
        log.begin("t10", List.of("inventory", "order"), Instant.now());
        register.decide("t10", Decision.COMMIT); // written before the crash, not yet in the local log

        recovery.recover();

        assertThat(log.find("t10").orElseThrow().decision()).isEqualTo(Decision.COMMIT);
        assertThat(inventory.received).containsExactly("commit t10");
    }

    /** Answers at once: the remote participants' phase two is left to the background. */
    private final Coordinator answeringAtOnce = new Coordinator(log, register,
            new Preparation(TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofMillis(300)).build()),
                    scheduler, executor),
            delivery, metrics, Clock.systemUTC(), Duration.ZERO);

    @Test
    void aLocalBranchIsRecordedAndPreparedBeforeAnyRemotePrepare() {
        List<String> seenByInventory = new java.util.concurrent.CopyOnWriteArrayList<>();
        Branch inventoryLooking = new Branch("inventory", txId -> {
            TxRecord tx = log.find(txId).orElseThrow();
            seenByInventory.add(tx.participants().stream().map(p -> p.name() + "=" + p.vote()).toList().toString());
            return VoteReply.yes();
        });

        Outcome outcome = coordinator.run("t11", List.of(inventoryLooking, order.localBranch()));

        assertThat(outcome.decision()).isEqualTo(Decision.COMMIT);
        assertThat(seenByInventory).containsExactly("[inventory=null, order=YES]");
    }

    @Test
    void aLocalBranchIsToldBeforeTheAnswerWhileTheRemoteOneIsToldInTheBackground() {
        inventory.failuresBeforeAck.set(2); // its commit takes a few retries

        Outcome outcome = answeringAtOnce.run("t12", List.of(inventory.branch(), order.localBranch()));

        assertThat(outcome.decision()).isEqualTo(Decision.COMMIT);
        assertThat(outcome.appliedLocally()).isTrue();
        assertThat(outcome.allAcknowledged()).isFalse();
        assertThat(order.received).containsExactly("prepare t12", "commit t12");
        assertThat(log.find("t12").orElseThrow().participants())
                .filteredOn(p -> p.name().equals("order")).singleElement()
                .satisfies(p -> assertThat(p.acknowledged()).isTrue());
        assertThat(log.find("t12").orElseThrow().decision()).isEqualTo(Decision.COMMIT);
        await("inventory acknowledges in the background").atMost(Duration.ofSeconds(5))
                .until(() -> log.find("t12").orElseThrow().finished());
        assertThat(inventory.received).endsWith("commit t12");
    }

    @Test
    void recoveryLeavesATransactionAloneWhileItsBackgroundDeliveryRuns() {
        inventory.phaseTwoGate = new CountDownLatch(1); // inventory's commit is held until recovery has looked
        int recovered;
        try {
            answeringAtOnce.run("t13", List.of(inventory.branch(), order.localBranch()));
            assertThat(answeringAtOnce.isInFlight("t13")).isTrue();
            assertThat(log.unfinishedIds()).contains("t13");

            CoordinatorRecovery recoveryBeside = new CoordinatorRecovery(log, register, delivery, answeringAtOnce,
                    metrics, Clock.systemUTC());
            recovered = assertTimeoutPreemptively(Duration.ofSeconds(10), recoveryBeside::recover); // not the held commit
        } finally {
            inventory.phaseTwoGate.countDown();
        }

        assertThat(recovered).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> log.find("t13").orElseThrow().finished());
        assertThat(inventory.received.stream().filter(m -> m.equals("commit t13"))).hasSize(1);
    }

    @Test
    void recoveryLeavesAloneATransactionThatFinishedAfterThePassListedIt() {
        // A pass lists the unfinished transactions first and takes them one by one; one that was still running
        // when listed may be finished by its turn, and must not be decided, counted or delivered again.
        coordinator.run("t16", List.of(inventory.branch(), order.localBranch()));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.find("t16").orElseThrow().finished());
        double committed = meters.get("twopc.transactions").tag("outcome", "commit").counter().count();

        listedEarlier = List.of("t16");

        int recovered = recovery.recover();

        assertThat(recovered).isZero();
        assertThat(meters.get("twopc.transactions").tag("outcome", "commit").counter().count()).isEqualTo(committed);
        assertThat(meters.get("twopc.recovered").counter().count()).isZero();
        assertThat(inventory.received.stream().filter(m -> m.equals("commit t16"))).hasSize(1);
        assertThat(order.received.stream().filter(m -> m.equals("commit t16"))).hasSize(1);
    }

    @Test
    void aTransactionAcknowledgedByAllButNotMarkedFinishedIsMarkedByRecoveryAndNothingIsDeliveredAgain() {
        // The last acknowledgement is durable, and the mark is not: as if the process stopped between the two.
        marksFailFor.add("t18");
        Outcome outcome = coordinator.run("t18", List.of(inventory.branch(), order.branch()));
        assertThat(outcome.allAcknowledged()).isTrue();
        assertThat(log.find("t18").orElseThrow().finished()).isTrue();
        assertThat(log.unfinishedIds()).containsExactly("t18");
        marksFailFor.clear();

        int recovered = recovery.recover();

        assertThat(recovered).isZero();
        assertThat(log.unfinishedIds()).isEmpty();
        assertThat(inventory.received).containsExactly("prepare t18", "commit t18");
        assertThat(order.received).containsExactly("prepare t18", "commit t18");
        assertThat(meters.get("twopc.recovered").counter().count()).isZero();
    }

    @Test
    void aMarkThatFailsInRecoveryLeavesThatTransactionForTheNextPassAndNotTheOnesAfterIt() {
        marksFailFor.add("t20");
        coordinator.run("t20", List.of(inventory.branch(), order.branch())); // finished, its mark failed
        inventory.failuresBeforeAck.set(3); // 3 attempts per delivery: all lost by the run
        coordinator.run("t21", List.of(inventory.branch(), order.branch()));
        assertThat(log.unfinishedIds()).containsExactlyInAnyOrder("t20", "t21");

        int recovered = recovery.recover(); // t20's mark fails again; t21 is delivered all the same

        assertThat(recovered).isEqualTo(1);
        assertThat(log.unfinishedIds()).containsExactly("t20");
        marksFailFor.clear();
        assertThat(recovery.recover()).isZero();
        assertThat(log.unfinishedIds()).isEmpty();
    }

    @Test
    void theOneParticipantOwedTheDecisionMarksTheTransactionFinishedWithItsAcknowledgementOrNotAtAll() {
        // Recorded in one local transaction: a mark that fails takes the acknowledgement with it, so the record is
        // never finished and unmarked, and recovery delivers again.
        marksFailFor.add("t19");
        answeringAtOnce.run("t19", List.of(inventory.branch(), order.localBranch()));
        await().atMost(Duration.ofSeconds(5)).until(() -> !answeringAtOnce.isInFlight("t19")); // its delivery gave up
        assertThat(askedToMarkFinished).contains("t19");
        assertThat(log.find("t19").orElseThrow().participants())
                .extracting(ParticipantRecord::name, ParticipantRecord::acknowledged)
                .containsExactly(tuple("inventory", false), tuple("order", true));
        marksFailFor.clear();

        assertThat(recovery.recover()).isEqualTo(1);

        assertThat(log.unfinishedIds()).isEmpty();
        assertThat(inventory.received.stream().filter(m -> m.equals("commit t19"))).hasSize(2);
    }

    @Test
    void aLocalBranchWhosePhaseTwoFailsIsNotSaidToHaveAppliedTheDecisionAndRecoveryFinishesIt() {
        order.failuresBeforeAck.set(1);

        Outcome outcome = answeringAtOnce.run("t17", List.of(inventory.branch(), order.localBranch()));

        // The decision stands in the register, but the local step that applies and records it rolled back whole.
        assertThat(outcome.decision()).isEqualTo(Decision.COMMIT);
        assertThat(outcome.appliedLocally()).isFalse();
        TxRecord recorded = log.find("t17").orElseThrow();
        assertThat(recorded.decision()).isNull();
        assertThat(recorded.participants()).filteredOn(p -> p.name().equals("order")).singleElement()
                .satisfies(p -> assertThat(p.acknowledged()).isFalse());

        await().atMost(Duration.ofSeconds(5)).until(() -> log.find("t17").orElseThrow().participants().stream()
                .filter(p -> p.name().equals("inventory")).allMatch(ParticipantRecord::acknowledged));
        assertThat(recovery.recover()).isEqualTo(1);

        assertThat(log.find("t17").orElseThrow().decision()).isEqualTo(Decision.COMMIT);
        assertThat(log.find("t17").orElseThrow().finished()).isTrue();
        assertThat(order.received).containsExactly("prepare t17", "lost commit t17", "commit t17");
    }

    @Test
    void aLocalBranchThatThrowsOnPrepareLeavesNoRecordAndAsksNobody() {
        Branch failing = Branch.local("order", txId -> {
            throw new IllegalStateException("duplicate key");
        });

        assertThatThrownBy(() -> coordinator.run("t14", List.of(inventory.branch(), failing)))
                .hasMessageContaining("duplicate key");

        assertThat(log.find("t14")).isEmpty();
        assertThat(inventory.received).isEmpty();
        assertThat(register.read("t14")).isEmpty();
    }

    @Test
    void aLocalBranchAbortedIsToldWithTheDecisionAndTheReasons() {
        inventory.vote = VoteReply.no("not enough stock");

        Outcome outcome = answeringAtOnce.run("t15", List.of(inventory.branch(), order.localBranch()));

        assertThat(outcome.decision()).isEqualTo(Decision.ABORT);
        assertThat(order.received).containsExactly("prepare t15", "abort t15");
        assertThat(log.find("t15").orElseThrow().participants()).extracting(ParticipantRecord::reason)
                .contains("not enough stock");
    }
}
