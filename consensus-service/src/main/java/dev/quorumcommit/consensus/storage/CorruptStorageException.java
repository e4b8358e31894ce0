package dev.quorumcommit.consensus.storage;

/**
 * The data directory holds damage that a crash cannot explain (for example a bad record in the middle of the log).
 * Starting anyway would silently forget entries this node may have acknowledged, so the node must not start.
 */
public final class CorruptStorageException extends StorageException {

    public CorruptStorageException(String message) {
        super(message);
    }
}
