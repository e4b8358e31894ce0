package dev.quorumcommit.inventory.participant;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.quorumcommit.twopc.participant.BranchState;

@Schema(description = "Where this participant stands in the transaction")
record StateAnswer(String txId, @Schema(example = "COMMITTED") BranchState state, String reason) {
}
