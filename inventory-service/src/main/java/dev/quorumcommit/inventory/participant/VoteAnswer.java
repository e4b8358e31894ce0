package dev.quorumcommit.inventory.participant;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.quorumcommit.twopc.Vote;
import dev.quorumcommit.twopc.VoteReply;

@Schema(description = "The participant's vote; YES means the units are reserved until the decision arrives")
record VoteAnswer(@Schema(example = "3f1c...") String txId, @Schema(example = "NO") Vote vote,
        @Schema(example = "not enough stock for SKU 'apple': 1 available, 2 asked") String reason) {

    static VoteAnswer of(String txId, VoteReply reply) {
        return new VoteAnswer(txId, reply.vote(), reply.reason());
    }
}
