package dev.quorumcommit.consensus.storage;

/**
 * Tuning of a {@link RaftStorage}.
 *
 * @param segmentBytes     a segment rolls over once the next record would take it past this size
 * @param writeBufferBytes appends collect here and reach the OS in writes of this size, not one syscall per entry
 * @param cachedEntries    how many of the newest entries are kept in memory for the leader's replication reads
 * @param cachedBytes      a bound on the commands those cached entries may hold together
 */
public record StorageOptions(long segmentBytes, int writeBufferBytes, int cachedEntries, long cachedBytes) {

    public static final StorageOptions DEFAULTS = new StorageOptions(64L * 1024 * 1024, 1024 * 1024, 16_384, 64L * 1024 * 1024);

    public StorageOptions {
        if (segmentBytes < 1 || writeBufferBytes < 64 || cachedEntries < 0 || cachedBytes < 0) {
            throw new IllegalArgumentException("storage options out of range: " + segmentBytes + ", " + writeBufferBytes + ", " + cachedEntries + ", " + cachedBytes);
        }
    }

    public StorageOptions withSegmentBytes(long bytes) {
        return new StorageOptions(bytes, writeBufferBytes, cachedEntries, cachedBytes);
    }

    public StorageOptions withCachedEntries(int entries) {
        return new StorageOptions(segmentBytes, writeBufferBytes, entries, cachedBytes);
    }
}
