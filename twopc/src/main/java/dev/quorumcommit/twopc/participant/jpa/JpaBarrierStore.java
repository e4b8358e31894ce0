package dev.quorumcommit.twopc.participant.jpa;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.springframework.stereotype.Repository;

import dev.quorumcommit.twopc.participant.BarrierEntry;
import dev.quorumcommit.twopc.participant.BarrierStore;
import dev.quorumcommit.twopc.participant.BranchState;

/**
 * The barrier table of a participant that keeps its data with JPA, shared by both services. It
 * is used through the EntityManager rather than a Spring Data save(): save() merges an
 * entity whose id is assigned, and a merge turns a racing duplicate insert into a silent update,
 * which is exactly what the barrier's primary key is there to prevent.
 */
@Repository // translates a duplicate key at flush into DataIntegrityViolationException, which the participant retries
public class JpaBarrierStore implements BarrierStore {

    private final EntityManager entities;

    public JpaBarrierStore(EntityManager entities) {
        this.entities = entities;
    }

    @Override
    public Optional<BarrierEntry> find(String txId) {
        return Optional.ofNullable(entities.find(BarrierRow.class, txId, LockModeType.PESSIMISTIC_WRITE))
                .map(BarrierRow::entry);
    }

    @Override
    public void insert(BarrierEntry entry) {
        entities.persist(new BarrierRow(entry));
        entities.flush(); // a duplicate fails here, inside the local transaction, not at some later commit
    }

    @Override
    public void update(BarrierEntry entry) {
        entities.find(BarrierRow.class, entry.txId()).apply(entry);
    }

    /**
     * One SQL statement, written by hand because it runs for every transaction's phase two: Hibernate translates a
     * JPQL update anew on each run, and the entity path (a locking read, then a dirty check) costs more than the
     * write. H2, waiting for another transaction's lock on the row, checks the condition again once it has the row,
     * so of a racing commit and abort only the first finds the entry PREPARED. An entity of this row already
     * loaded in the persistence context is not refreshed, so nothing should read it first in the same transaction.
     */
    @Override
    public boolean replacePrepared(BarrierEntry next) {
        BarrierEntry stored = new BarrierRow(next).entry(); // the same rules (a reason's length) as every other write
        return entities.createNativeQuery("update twopc_barrier set state = ?1, reason = ?2, since = ?3"
                        + " where tx_id = ?4 and state = ?5")
                .setParameter(1, stored.state().name())
                .setParameter(2, stored.reason())
                .setParameter(3, stored.since())
                .setParameter(4, next.txId())
                .setParameter(5, BranchState.PREPARED.name())
                .executeUpdate() == 1;
    }

    @Override
    public List<BarrierEntry> preparedBefore(Instant cutoff) {
        return entities.createQuery("select b from BarrierRow b where b.state = :state and b.since < :cutoff",
                        BarrierRow.class)
                .setParameter("state", BranchState.PREPARED).setParameter("cutoff", cutoff)
                .getResultList().stream().map(BarrierRow::entry).toList();
    }

    @Override
    public boolean isPrepared(String txId) {
        return entities.createQuery("select count(b) from BarrierRow b where b.txId = :txId and b.state = :state",
                        Long.class)
                .setParameter("txId", txId).setParameter("state", BranchState.PREPARED).getSingleResult() > 0;
    }

    public long countPrepared() {
        return entities.createQuery("select count(b) from BarrierRow b where b.state = :state", Long.class)
                .setParameter("state", BranchState.PREPARED).getSingleResult();
    }
}
