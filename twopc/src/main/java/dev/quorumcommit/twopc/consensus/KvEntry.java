package dev.quorumcommit.twopc.consensus;

import tools.jackson.databind.JsonNode;

/** A key of the consensus KV as the contract returns it; revision is the log index of its write. */
public record KvEntry(String key, JsonNode value, long revision) {
}
