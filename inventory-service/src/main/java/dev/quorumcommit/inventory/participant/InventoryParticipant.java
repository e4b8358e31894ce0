package dev.quorumcommit.inventory.participant;

import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.quorumcommit.twopc.VoteReply;
import dev.quorumcommit.twopc.local.GroupCommit;
import dev.quorumcommit.twopc.local.SyncingJpaTransactionManager;
import dev.quorumcommit.twopc.participant.Barrier;
import dev.quorumcommit.twopc.participant.BarrierEntry;
import dev.quorumcommit.twopc.participant.BranchState;
import dev.quorumcommit.twopc.participant.PhaseTwoHandler;

/**
 * The inventory participant: each call is one local transaction holding both the barrier row and
 * the stock change (a {@link GroupCommit group commit}: calls arriving together share one H2 commit, and
 * the SKU's row is updated by one transaction at a time instead of locked by each in turn). Two calls racing on a new transaction id collide on the barrier's primary key;
 * the loser's whole local transaction rolls back (its stock change with it) and is run again, and
 * then it finds the winner's row and answers as the barrier says.
 */
@Service
class InventoryParticipant implements PhaseTwoHandler {

    private static final Logger log = LoggerFactory.getLogger(InventoryParticipant.class);
    private static final int ATTEMPTS = 3;

    private final Barrier barrier;
    private final StockEffects effects;
    private final TransactionTemplate reads;
    private final GroupCommit groupCommit;

    InventoryParticipant(Barrier barrier, StockEffects effects, TransactionTemplate transactions,
            GroupCommit groupCommit) {
        this.barrier = barrier;
        this.effects = effects;
        this.reads = SyncingJpaTransactionManager.forReads(transactions);
        this.groupCommit = groupCommit;
    }

    VoteReply prepare(String txId, String sku, int quantity) {
        return inLocalTransaction(txId, () -> barrier.prepare(txId, () -> effects.reserve(txId, sku, quantity)));
    }

    /** Read-only: an inspection syncs nothing of its own, and waits only for commits it could have seen. */
    Optional<BarrierEntry> state(String txId) {
        return reads.execute(status -> barrier.state(txId));
    }

    @Override
    public BranchState commit(String txId) {
        return inLocalTransaction(txId, () -> barrier.commit(txId));
    }

    @Override
    public BranchState abort(String txId) {
        return inLocalTransaction(txId, () -> barrier.abort(txId));
    }

    private <T> T inLocalTransaction(String txId, Supplier<T> work) {
        MDC.put("txId", txId);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return groupCommit.execute(work);
                } catch (DataIntegrityViolationException | ConcurrencyFailureException e) {
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                    log.debug("raced another call for the same transaction, running again: {}", e.getMessage());
                }
            }
        } finally {
            MDC.remove("txId");
        }
    }
}
