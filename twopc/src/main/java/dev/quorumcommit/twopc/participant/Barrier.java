package dev.quorumcommit.twopc.participant;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.quorumcommit.twopc.VoteReply;

/**
 * The one place where duplicates and disorder are handled (dtm's barrier). Each method is meant
 * to run inside one local transaction of the participant, together with its business effect:
 * <ul>
 * <li>prepare: first time, reserve and record PREPARED (or ABORTED for a NO); a duplicate gets the
 * first answer; after an abort, even one that came first, the prepare is refused.</li>
 * <li>commit: PREPARED becomes COMMITTED once; a duplicate is acknowledged; an unknown transaction
 * or one already aborted is an error.</li>
 * <li>abort: PREPARED becomes ABORTED and the reservation is released; an unknown transaction is
 * recorded as ABORTED so that its late prepare is refused.</li>
 * </ul>
 * Two local transactions racing on a new txId: one insert fails on the unique key; the caller
 * retries that one, which then finds the row.
 */
public class Barrier {

    static final String ABORTED_FIRST = "the transaction was aborted before its prepare arrived";
    static final String ABORTED_BY_DECISION = "aborted by decision";
    private static final Logger log = LoggerFactory.getLogger(Barrier.class);

    private final BarrierStore store;
    private final BranchEffects effects;
    private final Clock clock;

    public Barrier(BarrierStore store, BranchEffects effects, Clock clock) {
        this.store = store;
        this.effects = effects;
        this.clock = clock;
    }

    public VoteReply prepare(String txId, Supplier<VoteReply> reserve) {
        Optional<BarrierEntry> existing = store.find(txId);
        if (existing.isPresent()) {
            BarrierEntry entry = existing.get();
            log.info("duplicate or late prepare, state {}", entry.state());
            return entry.state() == BranchState.ABORTED ? VoteReply.no(entry.reason()) : VoteReply.yes();
        }
        VoteReply vote = reserve.get();
        store.insert(new BarrierEntry(txId, vote.isYes() ? BranchState.PREPARED : BranchState.ABORTED,
                vote.reason(), clock.instant()));
        return vote;
    }

    /** The barrier's record of a transaction, for inspection. */
    public Optional<BarrierEntry> state(String txId) {
        return store.find(txId);
    }

    public BranchState commit(String txId) {
        if (store.replacePrepared(new BarrierEntry(txId, BranchState.COMMITTED, null, clock.instant()))) {
            effects.confirm(txId);
            return BranchState.COMMITTED;
        }
        BarrierEntry entry = store.find(txId).orElseThrow(() -> {
            log.error("commit for an unknown transaction: never prepared here");
            return new UnknownTransactionException(txId);
        });
        return switch (entry.state()) {
            case COMMITTED -> entry.state();
            case ABORTED -> {
                log.error("commit for a transaction already aborted here");
                throw new ConflictingDecisionException(txId, entry.state(), "COMMIT");
            }
            case PREPARED -> { // its prepare was recorded between replacePrepared and find
                effects.confirm(txId);
                store.update(new BarrierEntry(txId, BranchState.COMMITTED, null, clock.instant()));
                yield BranchState.COMMITTED;
            }
        };
    }

    public BranchState abort(String txId) {
        if (store.replacePrepared(new BarrierEntry(txId, BranchState.ABORTED, ABORTED_BY_DECISION, clock.instant()))) {
            effects.release(txId);
            return BranchState.ABORTED;
        }
        Optional<BarrierEntry> existing = store.find(txId);
        if (existing.isEmpty()) {
            log.info("abort before prepare: recorded so that a late prepare is refused");
            store.insert(new BarrierEntry(txId, BranchState.ABORTED, ABORTED_FIRST, clock.instant()));
            return BranchState.ABORTED;
        }
        BarrierEntry entry = existing.get();
        return switch (entry.state()) {
            case ABORTED -> entry.state();
            case COMMITTED -> {
                log.error("abort for a transaction already committed here");
                throw new ConflictingDecisionException(txId, entry.state(), "ABORT");
            }
            case PREPARED -> { // its prepare was recorded between replacePrepared and find
                effects.release(txId);
                store.update(new BarrierEntry(txId, BranchState.ABORTED, ABORTED_BY_DECISION, clock.instant()));
                yield BranchState.ABORTED;
            }
        };
    }
}
