package dev.quorumcommit.twopc.participant;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

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
 * <p>
 * A decision key is deleted once every participant acknowledged its decision ({@link DecisionRegister#forget}),
 * so an empty key means "undecided" only while this participant is still prepared. The list of prepared
 * transactions is read once per pass, and a pass without a quorum can take minutes, so before writing ABORT into an
 * empty key the participant looks at its barrier again, <em>after</em> the read: still prepared then means it had
 * not acknowledged anything when the key was read, so nothing was forgotten, and the key really was empty.
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
                Optional<Decision> standing = register.read(entry.txId());
                if (standing.isEmpty() && !store.isPrepared(entry.txId())) {
                    // Phase two reached this participant since the list was read, so the decision was written, and an
                    // empty key means it was forgotten: writing ABORT now would contradict what everyone applied.
                    log.info("resolved by the coordinator meanwhile; its decision was forgotten since, nothing to write");
                    continue;
                }
                Decision decision = standing.orElseGet(() -> register.decide(entry.txId(), Decision.ABORT));
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
