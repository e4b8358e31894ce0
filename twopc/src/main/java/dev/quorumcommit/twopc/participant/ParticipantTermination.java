package dev.quorumcommit.twopc.participant;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.TwoPcMetrics;
import dev.quorumcommit.twopc.consensus.ConsensusUnavailableException;

/**
 * The termination protocol (DESIGN.md step 4), which textbook 2PC lacks: a participant prepared
 * for longer than its timeout stops waiting for the coordinator. It reads the decision key; if it
 * is empty it writes ABORT there itself (put-if-absent, so it cannot contradict a COMMIT written a
 * moment earlier), and applies whichever decision stands. Run at start and periodically.
 */
public class ParticipantTermination {

    private static final Logger log = LoggerFactory.getLogger(ParticipantTermination.class);

    private final BarrierStore store;
    private final DecisionRegister register;
    private final PhaseTwoHandler handler;
    private final Duration timeout;
    private final TwoPcMetrics metrics;
    private final Clock clock;

    public ParticipantTermination(BarrierStore store, DecisionRegister register, PhaseTwoHandler handler,
            Duration timeout, TwoPcMetrics metrics, Clock clock) {
        this.store = store;
        this.register = register;
        this.handler = handler;
        this.timeout = timeout;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** @return how many prepared transactions this pass resolved */
    public int resolve() {
        int resolved = 0;
        for (BarrierEntry entry : store.preparedBefore(clock.instant().minus(timeout))) {
            MDC.put("txId", entry.txId());
            try {
                Decision decision = register.read(entry.txId())
                        .orElseGet(() -> register.decide(entry.txId(), Decision.ABORT));
                log.info("prepared since {} without word from the coordinator; decision {} stands", entry.since(),
                        decision);
                if (decision == Decision.COMMIT) {
                    handler.commit(entry.txId());
                } else {
                    handler.abort(entry.txId());
                }
                resolved++;
                metrics.recovered();
            } catch (ConsensusUnavailableException e) {
                // Without a quorum nobody can decide: stay prepared (blocking is the only safe choice) and try again later.
                log.warn("cannot resolve yet, no quorum: {}", e.getMessage());
            } catch (RuntimeException e) {
                log.error("could not apply the decision: {}", e.toString());
            } finally {
                MDC.remove("txId");
            }
        }
        return resolved;
    }
}
