package dev.quorumcommit.consensus.storage;

/** Two nodes writing one log would interleave their records; the second one is refused at open. */
public final class DirectoryLockedException extends StorageException {

    public DirectoryLockedException(String message) {
        super(message);
    }
}
