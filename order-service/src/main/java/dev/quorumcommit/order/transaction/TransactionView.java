package dev.quorumcommit.order.transaction;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.quorumcommit.twopc.Decision;
import dev.quorumcommit.twopc.Vote;
import dev.quorumcommit.twopc.coordinator.TxRecord;

@Schema(description = "The coordinator's record of a transaction; decision is null while it is undecided")
record TransactionView(String txId, @Schema(example = "COMMIT", nullable = true) Decision decision,
        @Schema(example = "tx:3f1c6a52-...:decision") String decisionKey, List<ParticipantView> participants,
        Instant startedAt, Instant decidedAt) {

    record ParticipantView(@Schema(example = "inventory") String name, @Schema(example = "YES", nullable = true) Vote vote,
            boolean acknowledged) {
    }

    static TransactionView of(TxRecord record, String decisionKey) {
        return new TransactionView(record.txId(), record.decision(), decisionKey,
                record.participants().stream().map(p -> new ParticipantView(p.name(), p.vote(), p.acknowledged())).toList(),
                record.startedAt(), record.decidedAt());
    }
}
