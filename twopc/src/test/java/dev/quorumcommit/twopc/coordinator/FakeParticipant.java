package dev.quorumcommit.twopc.coordinator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.quorumcommit.twopc.VoteReply;

/**
 * A participant that votes as told, can be slow, can be held in prepare or phase two until a test lets it go, and can
 * fail phase two a number of times before it acknowledges.
 */
final class FakeParticipant implements ParticipantChannel {

    final String name;
    volatile VoteReply vote = VoteReply.yes();
    volatile long prepareDelayMillis;
    /** When set, a prepare waits until it is counted down (or its thread is interrupted). */
    volatile CountDownLatch prepareGate;
    /** When set, a commit or abort waits until it is counted down before it is received. */
    volatile CountDownLatch phaseTwoGate;
    final AtomicInteger failuresBeforeAck = new AtomicInteger();
    final List<String> received = new CopyOnWriteArrayList<>();

    FakeParticipant(String name) {
        this.name = name;
    }

    Branch branch() {
        return new Branch(name, txId -> {
            received.add("prepare " + txId);
            if (prepareDelayMillis > 0) {
                Thread.sleep(prepareDelayMillis);
            }
            CountDownLatch gate = prepareGate;
            if (gate != null) {
                gate.await();
            }
            return vote;
        });
    }

    /** The same participant as one in the coordinator's own database (Branch.local). */
    Branch localBranch() {
        Branch remote = branch();
        return Branch.local(name, remote.prepare());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void commit(String txId) {
        phaseTwo("commit " + txId);
    }

    @Override
    public void abort(String txId) {
        phaseTwo("abort " + txId);
    }

    private void phaseTwo(String message) {
        CountDownLatch gate = phaseTwoGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held", e);
            }
        }
        if (failuresBeforeAck.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            received.add("lost " + message);
            throw new IllegalStateException("participant " + name + " is down");
        }
        received.add(message);
    }
}
