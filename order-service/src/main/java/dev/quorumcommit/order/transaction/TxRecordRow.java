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

    TxRecord record() {
        return new TxRecord(txId, participants.stream().map(TxParticipantRow::record).toList(), decision, startedAt,
                decidedAt);
    }
}
