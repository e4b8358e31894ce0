package dev.quorumcommit.order.transaction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.coordinator.TxRecord;

@Entity
@Table(name = "tx_record")
class TxRecordRow {

    @Id
    private String txId;
    @Enumerated(EnumType.STRING)
    private Decision decision;
    private Instant startedAt;
    private Instant decidedAt;
    private boolean finished;
    @OneToMany(mappedBy = "record", cascade = CascadeType.ALL, fetch = FetchType.EAGER)
    @OrderBy("position")
    private List<TxParticipantRow> participants = new ArrayList<>();

    protected TxRecordRow() {
    }

    TxRecordRow(String txId, List<String> names, Instant startedAt) {
        this.txId = txId;
        this.startedAt = startedAt;
        for (int i = 0; i < names.size(); i++) {
            participants.add(new TxParticipantRow(this, names.get(i), i));
        }
    }

    TxParticipantRow participant(String name) {
        return participants.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no participant " + name + " in " + txId));
    }

    /** The first decision recorded stays: the register never changes it, so neither does the log. */
    void decide(Decision decision, Instant at) {
        if (this.decision == null) {
            this.decision = decision;
            this.decidedAt = at;
        }
        refreshFinished();
    }

    void refreshFinished() {
        this.finished = decision != null && participants.stream().allMatch(TxParticipantRow::acknowledged);
    }

    TxRecord record() {
        return new TxRecord(txId, participants.stream().map(TxParticipantRow::record).toList(), decision, startedAt,
                decidedAt);
    }
}
