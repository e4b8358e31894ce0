package dev.quorumcommit.twopc.participant.jpa;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.quorumcommit.twopc.Reasons;
import dev.quorumcommit.twopc.participant.BarrierEntry;
import dev.quorumcommit.twopc.participant.BranchState;

@Entity
@Table(name = "twopc_barrier")
public class BarrierRow {

    @Id
    private String txId;
    @Enumerated(EnumType.STRING)
    private BranchState state;
    private String reason;
    private Instant since;

    protected BarrierRow() {
    }

    BarrierRow(BarrierEntry entry) {
        this.txId = entry.txId();
        apply(entry);
    }

    void apply(BarrierEntry entry) {
        this.state = entry.state();
        this.reason = Reasons.fit(entry.reason());
        this.since = entry.since();
    }

    BarrierEntry entry() {
        return new BarrierEntry(txId, state, reason, since);
    }
}
