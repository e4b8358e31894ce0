package dev.quorumcommit.consensus.storage;

/**
 * The disk failed us. After a failed write or fsync the page cache may already have dropped the dirty pages,
 * so retrying could report success for data that is gone: a storage that threw this is unusable until reopened.
 */
public class StorageException extends RuntimeException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
