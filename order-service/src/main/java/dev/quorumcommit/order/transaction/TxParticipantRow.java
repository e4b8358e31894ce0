package dev.quorumcommit.order.transaction;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import dev.quorumcommit.twopc.Vote;
import dev.quorumcommit.twopc.coordinator.ParticipantRecord;

@Entity
@Table(name = "tx_participant")
class TxParticipantRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @ManyToOne
    @JoinColumn(name = "tx_id")
    private TxRecordRow record;
    private String name;
    private int position;
    @Enumerated(EnumType.STRING)
    private Vote vote;
    private String reason;
    private boolean acknowledged;

    protected TxParticipantRow() {
    }

    TxParticipantRow(TxRecordRow record, String name, int position) {
        this.record = record;
        this.name = name;
        this.position = position;
    }

    String name() {
        return name;
    }

    boolean acknowledged() {
        return acknowledged;
    }

    ParticipantRecord record() {
        return new ParticipantRecord(name, vote, reason, acknowledged);
    }
}
