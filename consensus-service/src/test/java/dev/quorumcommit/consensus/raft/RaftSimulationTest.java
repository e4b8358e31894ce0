package dev.quorumcommit.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulation of whole clusters under a hostile network and crashes, checking Raft's safety
 * properties after every step and that a healed cluster commits again.
 *
 * <p>Replay one seed: {@code ./mvnw -B -q -pl consensus-service test -Dtest=RaftSimulationTest -Draft.sim.seed=N}
 * (this also prints the run's trace); run more seeds: {@code -Draft.sim.runs=20000}; start elsewhere:
 * {@code -Draft.sim.firstSeed=N}.
 */
class RaftSimulationTest {

    private static final int CHAOS_TICKS = 300;
    private static final int HEAL_BUDGET_TICKS = 300;

    @Test
    void seededClustersStaySafeAndRecover() {
        String replay = System.getProperty("raft.sim.seed");
        if (replay != null) {
            runOrFail(Long.parseLong(replay), true);
            return;
        }
        int runs = Integer.getInteger("raft.sim.runs", 3000);
        long first = Long.getLong("raft.sim.firstSeed", 1L);
        long commits = 0;
        long snapshots = 0;
        long reads = 0;
        long terms = 0;
        for (long seed = first; seed < first + runs; seed++) {
            Run run = runOrFail(seed, false);
            commits += run.checker.highestCommit();
            snapshots += run.checker.snapshotsInstalled;
            reads += run.checker.readsReleased;
            terms += run.checker.leaderTerms();
        }
        // shows that the runs exercise something: a simulation that never commits proves nothing
        System.out.printf("raft simulation: %d runs, %d entries committed, %d leaders elected, %d snapshots installed, %d reads released%n",
                runs, commits, terms, snapshots, reads);
        assertThat(commits).isGreaterThan(runs * 10L);
        assertThat(snapshots).isGreaterThan(runs / 10);
        assertThat(reads).isGreaterThan(runs);
    }

    private static Run runOrFail(long seed, boolean trace) {
        Run run = new Run(seed, trace);
        try {
            run.execute();
            if (trace) {
                run.trace.forEach(System.out::println);
            }
            return run;
        } catch (Throwable t) {
            if (trace) {
                run.trace.forEach(System.out::println);
            }
            fail("simulation seed " + seed + " (" + run.nodes.size() + " nodes) failed at tick " + run.now + ": " + t
                    + "\n  replay with: ./mvnw -B -q -pl consensus-service test -Dtest=RaftSimulationTest -Draft.sim.seed="
                    + seed, t);
            throw new AssertionError(t);
        }
    }

    /** One seeded run: chaos, then healing, then the liveness check. */
    static final class Run {
        final long seed;
        final SplittableRandom random;
        final SimNetwork network;
        final SafetyChecker checker = new SafetyChecker();
        final List<SimNode> nodes = new ArrayList<>();
        final List<String> ids;
        final List<String> trace = new ArrayList<>();
        final boolean tracing;
        long now;
        long nextRequestId = 1;
        double crashRate;

        Run(long seed, boolean tracing) {
            this.seed = seed;
            this.tracing = tracing;
            this.random = new SplittableRandom(seed);
            this.network = new SimNetwork(random.split());
            int size = random.nextBoolean() ? 3 : 5;
            this.ids = IntStream.rangeClosed(1, size).mapToObj(i -> "n" + i).toList();
            // vary the flow-control limits so that small appends, a window of one and big batches all occur
            int heartbeat = 1 + random.nextInt(2);
            int inflight = random.nextBoolean() ? 1 : 4;
            int perAppend = random.nextBoolean() ? 1 : 3;
            for (String id : ids) {
                SplittableRandom nodeRandom = random.split();
                nodes.add(new SimNode(id, incarnation -> new RaftConfig(id, ids, 10, heartbeat, inflight, perAppend, 64, 16,
                        true, true, nodeRandom.split())));
            }
        }

        void execute() {
            chaos();
            heal();
            awaitCommitAfterHealing();
        }

        private void chaos() {
            network.dropRate = random.nextDouble() * 0.2;
            network.duplicateRate = random.nextDouble() * 0.1;
            network.maxDelay = 1 + random.nextInt(4);
            crashRate = random.nextDouble() * 0.3;
            for (; now < CHAOS_TICKS; now++) {
                maybeDisturb();
                tickAndDeliver();
                for (SimNode n : nodes) {
                    if (!n.up) {
                        continue;
                    }
                    double p = random.nextDouble();
                    if (p < 0.25) {
                        propose(n, "c" + seed + "-" + now + "-" + n.id);
                    } else if (p < 0.28) {
                        readIndex(n);
                    } else if (p < 0.31) {
                        snapshotAndCompact(n);
                    } else if (p < 0.315 && n.raft.role == Role.LEADER) {
                        String to = ids.get(random.nextInt(ids.size()));
                        record(n.id + " transfers leadership to " + to);
                        n.raft.transferLeadership(to);
                    }
                    drain(n);
                }
                checker.check(nodes);
            }
        }

        private void maybeDisturb() {
            double p = random.nextDouble();
            if (p < 0.03) {
                List<String> shuffled = new ArrayList<>(ids);
                java.util.Collections.shuffle(shuffled, new java.util.Random(random.nextLong()));
                int cut = 1 + random.nextInt(ids.size() - 1);
                network.firewall.partition(shuffled.subList(0, cut), shuffled.subList(cut, shuffled.size()));
                record("partition " + shuffled.subList(0, cut) + " | " + shuffled.subList(cut, shuffled.size()));
            } else if (p < 0.045) {
                String n = ids.get(random.nextInt(ids.size()));
                network.firewall.isolate(n, ids);
                record("isolate " + n);
            } else if (p < 0.05) {
                network.firewall.cutOneWay(ids.get(random.nextInt(ids.size())), ids.get(random.nextInt(ids.size())));
            } else if (p < 0.075) {
                network.firewall.heal();
                record("heal firewall");
            } else if (p < 0.075 + 0.05 * crashRate) {
                SimNode n = nodes.get(random.nextInt(nodes.size()));
                if (n.up) {
                    record("crash " + n.id);
                    n.crash();
                }
            } else if (p < 0.075 + 0.15 * crashRate) {
                // leaders are where the interesting crashes are (Raft paper, figure 8)
                nodes.stream().filter(n -> n.up && n.raft.role == Role.LEADER).findFirst().ifPresent(n -> {
                    record("crash leader " + n.id);
                    n.crash();
                });
            }
            for (SimNode n : nodes) {
                if (!n.up && random.nextDouble() < 0.05) {
                    record("restart " + n.id);
                    n.start();
                    drain(n);
                }
            }
        }

        private void tickAndDeliver() {
            for (Message m : network.due(now)) {
                SimNode target = node(m.to());
                if (target.up) {
                    if (tracing) {
                        record("deliver " + m);
                    }
                    target.raft.step(m);
                    drain(target);
                }
            }
            for (SimNode n : nodes) {
                if (n.up) {
                    n.raft.tick();
                    drain(n);
                }
            }
        }

        private void drain(SimNode n) {
            n.drain(m -> network.send(m, now), checker, () -> random.nextDouble() < crashRate * 0.002);
            if (!n.up) {
                record("crash " + n.id + " right after a persist");
            }
            if (tracing && n.up) {
                record(n.id + " " + n.raft.status());
            }
        }

        private void propose(SimNode n, String command) {
            ProposeResult r = n.raft.propose(command.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (tracing && r instanceof ProposeResult.Accepted a) {
                record(n.id + " accepted " + command + " at " + a);
            }
        }

        private void readIndex(SimNode n) {
            long requestId = nextRequestId++;
            checker.readRequested(requestId);
            n.raft.readIndex(requestId);
        }

        private void snapshotAndCompact(SimNode n) {
            if (n.appliedIndex == 0 || n.appliedIndex <= n.raft.log().offsetIndex() + 2) {
                return;
            }
            Snapshot s = n.takeSnapshot();
            long compactTo = Math.max(n.raft.log().offsetIndex(), n.appliedIndex - random.nextInt(3));
            n.disk.saveSnapshot(s, compactTo);
            n.raft.snapshotTaken(s);
            n.raft.compact(compactTo);
            record(n.id + " snapshot at " + s.metadata() + ", compacted to " + compactTo);
        }

        private void heal() {
            network.calm();
            crashRate = 0;
            record("heal everything");
            for (SimNode n : nodes) {
                if (!n.up) {
                    n.start();
                    drain(n);
                }
            }
        }

        /** Liveness: once healed, some leader is elected and a new proposal commits within a bounded time. */
        private void awaitCommitAfterHealing() {
            long deadline = now + HEAL_BUDGET_TICKS;
            long proposedIndex = -1;
            long proposedTerm = -1;
            for (; now < deadline; now++) {
                tickAndDeliver();
                checker.check(nodes);
                for (SimNode n : nodes) {
                    if (!n.up || n.raft.role != Role.LEADER) {
                        continue;
                    }
                    if (proposedTerm != n.raft.term) {
                        if (n.raft.propose(("after-heal-" + seed).getBytes()) instanceof ProposeResult.Accepted a) {
                            proposedIndex = a.index();
                            proposedTerm = a.term();
                            drain(n);
                        }
                    } else if (n.appliedIndex >= proposedIndex && n.raft.log().term(proposedIndex) == proposedTerm) {
                        return;
                    }
                }
            }
            fail("no leader committed a new proposal within " + HEAL_BUDGET_TICKS + " ticks after healing");
        }

        private SimNode node(String id) {
            return nodes.get(ids.indexOf(id));
        }

        private void record(String event) {
            if (tracing) {
                trace.add(now + ": " + event);
            }
        }
    }
}
