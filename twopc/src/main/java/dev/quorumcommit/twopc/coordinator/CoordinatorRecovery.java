package dev.quorumcommit.twopc.coordinator;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.DecisionRegister;
import dev.quorumcommit.twopc.TwoPcMetrics;
import dev.quorumcommit.twopc.Vote;
import dev.quorumcommit.twopc.consensus.ConsensusUnavailableException;

/**
 * Finishes what the coordinator left unfinished (after a crash, a lost quorum or participants
 * that were down): decides where no decision stands yet, then delivers it to whoever has not
 * acknowledged. Run at start and periodically.
 */
public class CoordinatorRecovery {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorRecovery.class);

    private final TransactionLog transactions;
    private final DecisionRegister register;
    private final DecisionDelivery delivery;
    private final Coordinator coordinator;
    private final TwoPcMetrics metrics;
    private final Clock clock;

    public CoordinatorRecovery(TransactionLog transactions, DecisionRegister register, DecisionDelivery delivery,
            Coordinator coordinator, TwoPcMetrics metrics, Clock clock) {
        this.transactions = transactions;
        this.register = register;
        this.delivery = delivery;
        this.coordinator = coordinator;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** @return how many transactions this pass finished */
    public int recover() {
        int finished = 0;
        for (String txId : transactions.unfinishedIds()) {
            if (coordinator.isInFlight(txId)) {
                continue;
            }
            // Listed before that check, so the coordinator may have finished it since. Once out of flight, the
            // coordinator never writes it again, so the record read now is its last word. Finishing it as listed
            // read the register, counted the outcome a second time and delivered the decision again.
            Optional<TxRecord> current = transactions.find(txId);
            if (current.isEmpty()) {
                continue;
            }
            TxRecord tx = current.get();
            MDC.put("txId", tx.txId());
            try {
                if (tx.finished()) {
                    // Its last acknowledgement was recorded, and then the process stopped (or the mark failed)
                    // before it was marked: nothing is owed, only the mark.
                    if (transactions.markFinished(txId)) {
                        log.info("every participant had acknowledged its decision; marked finished");
                    }
                } else if (finish(tx)) {
                    finished++;
                    metrics.recovered();
                }
            } catch (ConsensusUnavailableException e) {
                log.warn("cannot recover yet, no quorum: {}", e.getMessage());
            } catch (RuntimeException e) {
                // This one transaction is left for the next pass; the ones after it in the list still get theirs.
                log.warn("cannot recover this transaction in this pass: {}", e.toString());
            } finally {
                MDC.remove("txId");
            }
        }
        return finished;
    }

    private boolean finish(TxRecord tx) {
        Decision decision = tx.decision();
        if (decision == null) {
            decision = register.read(tx.txId()).orElseGet(() -> register.decide(tx.txId(), proposal(tx)));
            transactions.recordDecision(tx.txId(), decision, clock.instant(), List.of());
            metrics.transaction(decision);
            log.info("recovered decision {}", decision);
        }
        List<String> owed = tx.participants().stream().filter(p -> !p.acknowledged()).map(ParticipantRecord::name).toList();
        return delivery.deliver(tx.txId(), decision, owed).join();
    }

    /**
     * COMMIT only if every vote YES was recorded before the crash. Safe: those participants hold
     * their reservations durably, and one that gave up waiting wrote ABORT first, which then stands.
     */
    private static Decision proposal(TxRecord tx) {
        boolean allYes = tx.participants().stream().allMatch(p -> p.vote() == Vote.YES);
        return allYes ? Decision.COMMIT : Decision.ABORT;
    }
}
