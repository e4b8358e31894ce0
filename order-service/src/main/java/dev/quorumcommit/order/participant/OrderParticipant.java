package dev.quorumcommit.order.participant;

import java.time.Clock;
import java.util.function.Supplier;

import org.slf4j.MDC;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.order.transaction.Recoverable;
import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.coordinator.Branch;
import dev.quorumcommit.twopc.coordinator.TransactionLog;
import dev.quorumcommit.twopc.coordinator.TxRecord;
import dev.quorumcommit.twopc.participant.Barrier;
import dev.quorumcommit.twopc.participant.BranchEffects;
import dev.quorumcommit.twopc.participant.BranchState;
import dev.quorumcommit.twopc.participant.ParticipantTermination;
import dev.quorumcommit.twopc.participant.PhaseTwoHandler;
import dev.quorumcommit.twopc.participant.jpa.JpaBarrierStore;

/**
 * The order participant, local to order-service. Its business effect is the order's status: the
 * order row is written PENDING before the transaction starts (so every answer, even a rejection,
 * has an orderId), prepare votes YES while it is PENDING, commit confirms it, abort rejects it
 * with the reasons the votes gave. Same barrier as inventory's, in this service's database.
 */
@Service
public class OrderParticipant implements PhaseTwoHandler, Recoverable, BranchEffects {

    public static final String NAME = "order";

    private final JpaBarrierStore store;
    private final OrderLedger ledger;
    private final TransactionLog transactions;
    private final TransactionTemplate local;
    private final Barrier barrier;
    private final ParticipantProperties properties;
    private final Clock clock;
    private ParticipantTermination termination;

    OrderParticipant(JpaBarrierStore store, OrderLedger ledger, TransactionLog transactions, TransactionTemplate local,
            ParticipantProperties properties, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.transactions = transactions;
        this.local = local;
        this.properties = properties;
        this.clock = clock;
        this.barrier = new Barrier(store, this, clock);
    }

    void terminateWith(ParticipantTermination termination) {
        this.termination = termination;
    }

    public Branch branch() {
        return new Branch(NAME, this::prepare);
    }

    /**
     * The order's branch as the coordinator runs it: local, so its prepare runs inside the local transaction
     * that records the transaction, and writeOrder (the order row, PENDING) goes into that same commit. The
     * txId is new and known to nobody else yet, so no other call can race this prepare on the barrier's key,
     * and the order is pending: it was written so a moment ago, in this local transaction, which nobody else
     * sees yet. So the vote is YES without reading the order back (a query that cost every order a flush).
     */
    public Branch branch(Runnable writeOrder) {
        return Branch.local(NAME, txId -> {
            writeOrder.run();
            return barrier.prepare(txId, VoteReply::yes);
        });
    }

    VoteReply prepare(String txId) {
        return inLocalTransaction(txId, () -> barrier.prepare(txId,
                () -> ledger.isPending(txId) ? VoteReply.yes() : VoteReply.no("the order is no longer pending")));
    }

    @Override
    public BranchState commit(String txId) {
        return inLocalTransaction(txId, () -> barrier.commit(txId));
    }

    /** Also rejects an order whose abort came before its prepare: its row exists either way. */
    @Override
    public BranchState abort(String txId) {
        return inLocalTransaction(txId, () -> {
            BranchState state = barrier.abort(txId);
            ledger.rejectIfPending(txId, reason(txId));
            return state;
        });
    }

    @Override
    public void confirm(String txId) {
        ledger.confirm(txId);
    }

    @Override
    public void release(String txId) {
        // Nothing is held: the order row's status is the whole effect, set by abort() above.
    }

    /**
     * Termination for prepared orders, then the orders abandoned before they were prepared (the
     * process died between writing the order and preparing it): with no YES recorded they can
     * never commit, so rejecting them is safe, and the barrier refuses their prepare afterwards.
     * Only an order without a barrier entry is abandoned: one whose entry is no longer PREPARED was
     * decided between the two reads here, and its order row says so already.
     */
    @Override
    public int recover() {
        int resolved = termination == null ? 0 : termination.resolve();
        for (String txId : ledger.pendingSince(clock.instant().minus(properties.preparedTimeout()))) {
            boolean abandoned = local.execute(s -> store.find(txId).isEmpty());
            if (abandoned) {
                abort(txId);
                resolved++;
            }
        }
        return resolved;
    }

    private String reason(String txId) {
        return transactions.find(txId).map(OrderParticipant::reasons)
                .filter(r -> !r.isBlank())
                .orElse("the transaction was aborted: a participant did not prepare in time, or the coordinator stopped "
                        + "before deciding");
    }

    private static String reasons(TxRecord record) {
        return String.join("; ", record.participants().stream()
                .filter(p -> p.reason() != null).map(p -> p.reason()).toList());
    }

    private <T> T inLocalTransaction(String txId, Supplier<T> work) {
        String outer = MDC.get("txId");
        MDC.put("txId", txId);
        try {
            try {
                return local.execute(status -> work.get());
            } catch (DataIntegrityViolationException | ConcurrencyFailureException e) {
                return local.execute(status -> work.get()); // lost a race on the barrier's key: the row is there now
            }
        } finally {
            if (outer == null) {
                MDC.remove("txId");
            }
        }
    }
}
