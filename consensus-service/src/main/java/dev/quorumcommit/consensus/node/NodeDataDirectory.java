package dev.quorumcommit.consensus.node;

import java.nio.file.Path;

/** The directory that holds this node's log, hard state and snapshots, created and checked writable at start. */
public record NodeDataDirectory(Path path) {

    public static NodeDataDirectory prepare(ConsensusProperties properties) {
        return new NodeDataDirectory(DataDirectory.prepare(properties.dataDir()));
    }
}
