package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The log as an ordered set of segments: appends go to the last one, which rolls at a size limit; conflicting
 * suffixes are cut, whole old segments are dropped after a snapshot. Owns the one reusable write buffer.
 */
final class SegmentedLog implements AutoCloseable {

    private final Path dir;
    private final long segmentBytes;
    private final ByteBuffer buffer;
    private final RecordCodec codec = new RecordCodec();
    private final List<LogSegment> segments;
    private boolean unsynced;
    private boolean directoryChanged;

    /** The opened log, the entries it holds after {@code afterIndex}, and what recovery repaired. */
    record Opened(SegmentedLog log, List<Entry> entries, TornTail tornTail, List<String> repairs) {
    }

    private SegmentedLog(Path dir, StorageOptions options, List<LogSegment> segments) {
        this.dir = dir;
        this.segmentBytes = options.segmentBytes();
        this.buffer = ByteBuffer.allocateDirect(options.writeBufferBytes());
        this.segments = segments;
    }

    /**
     * Recovers the log in {@code dir} against the snapshot that covers up to {@code snapshotIndex}.
     * Only the last segment may end in a torn record; anything else that does not read back is corruption.
     */
    static Opened open(Path dir, StorageOptions options, long snapshotIndex, long snapshotTerm) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = segmentFiles(dir);
        List<String> repairs = new ArrayList<>();
        RecordCodec codec = new RecordCodec();
        List<LogSegment> segments = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        TornTail tornTail = null;
        try {
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                boolean last = i == files.size() - 1;
                LogSegment previous = segments.isEmpty() ? null : segments.getLast();
                long firstIndex = LogSegment.firstIndexOf(file);
                if (previous != null && firstIndex != previous.lastIndex() + 1) {
                    if (firstIndex > previous.lastIndex() + 1 && firstIndex <= snapshotIndex + 1) {
                        // A log reset after an installed snapshot deletes old segments; a crash can leave some behind.
                        repairs.add("removed " + segments.size() + " segment(s) before " + file.getFileName()
                                + " left over from a log reset to snapshot " + snapshotIndex);
                        deleteAll(segments);
                        entries.clear();
                        previous = null;
                    } else {
                        throw new CorruptStorageException("log segments do not follow on: " + previous.path().getFileName()
                                + " ends at index " + previous.lastIndex() + " but " + file.getFileName() + " starts at " + firstIndex
                                + "; refusing to start rather than lose or reorder entries");
                    }
                }
                LogSegment.Scan scan = LogSegment.scan(file, previous == null ? 0 : previous.lastTerm(), codec);
                segments.add(scan.segment());
                entries.addAll(scan.entries());
                if (scan.damaged() && !last && scan.onlyZerosAfter()) {
                    // Only zeros after its records: the active segment's space written ahead, left by a crash during a
                    // reset that deleted the newer segments first. Nothing was lost; a later check decides if it stays.
                    LogSegment segment = scan.segment();
                    segment.truncateFrom(segment.lastIndex() + 1);
                    repairs.add("cut the zeros written ahead after the records of " + file.getFileName());
                } else if (scan.damaged()) {
                    if (!last) {
                        throw notATornWrite(file, scan, "it is not the last segment");
                    }
                    if (scan.intactAfter()) {
                        throw notATornWrite(file, scan, "an intact record follows it");
                    }
                    LogSegment segment = scan.segment();
                    long size = Files.size(file);
                    segment.truncateFrom(segment.lastIndex() + 1);
                    tornTail = new TornTail(file, scan.badOffset(), size - scan.badOffset(), segment.lastIndex() + 1, scan.badReason());
                }
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(segments, e);
            throw e;
        }
        SegmentedLog log = new SegmentedLog(dir, options, segments);
        if (!segments.isEmpty()) {
            segments.getLast().preallocateUpTo(options.segmentBytes());
        }
        try {
            if (segments.isEmpty()) {
                log.startAt(snapshotIndex + 1);
            } else if (log.firstIndex() > snapshotIndex + 1) {
                throw new CorruptStorageException("the log starts at index " + log.firstIndex() + " but the snapshot only covers up to " + snapshotIndex
                        + ": entries " + (snapshotIndex + 1) + ".." + (log.firstIndex() - 1) + " are missing");
            } else if (snapshotIndex > 0 && !log.continuesFrom(snapshotIndex, snapshotTerm)) {
                repairs.add("log [" + log.firstIndex() + ", " + log.lastIndex() + "] does not hold snapshot entry " + snapshotIndex
                        + "@" + snapshotTerm + "; reset to start after the snapshot");
                log.reset(snapshotIndex + 1);
                entries.clear();
            }
            log.sync();
        } catch (IOException | RuntimeException e) {
            closeQuietly(segments, e);
            throw e;
        }
        List<Entry> after = entries.stream().filter(e -> e.index() > snapshotIndex).toList();
        return new Opened(log, after, tornTail, repairs);
    }

    long firstIndex() {
        return segments.getFirst().firstIndex();
    }

    long lastIndex() {
        return segments.getLast().lastIndex();
    }

    /** The term of a stored entry, or -1 if the log does not hold that index. */
    long termOrMinusOne(long index) {
        LogSegment segment = segmentOf(index);
        return segment == null ? -1 : segment.term(index);
    }

    /**
     * Whether the log carries on from the entry {@code index@term}: it holds that entry, or starts right after it
     * (because an earlier reset put it there). If not, Raft (section 7) says a snapshot ending there replaces it.
     */
    boolean continuesFrom(long index, long term) {
        return firstIndex() == index + 1 || termOrMinusOne(index) == term;
    }

    /** Appends contiguous entries starting at or before {@code lastIndex() + 1}, first cutting what they replace. */
    void append(List<Entry> entries) throws IOException {
        long first = entries.getFirst().index();
        if (first <= lastIndex()) {
            truncateFrom(first);
        }
        for (Entry entry : entries) {
            LogSegment active = segments.getLast();
            if (!active.isEmpty() && active.size() + RecordCodec.recordBytes(entry) > segmentBytes) {
                active = roll();
            }
            active.append(entry, codec, buffer);
        }
        unsynced = true;
    }

    /** Removes {@code index} and everything after it. */
    void truncateFrom(long index) throws IOException {
        LogSegment active = segments.getLast();
        active.flush(buffer);
        boolean deleted = false;
        // Newest first, so that a crash part-way leaves a log that still follows on.
        while (segments.size() > 1 && segments.getLast().firstIndex() > index) {
            LogSegment doomed = segments.removeLast();
            doomed.close();
            Files.delete(doomed.path());
            deleted = true;
        }
        if (deleted) {
            // The cut below must not survive a crash that brings the later segments back.
            Fsync.directory(dir);
        }
        segments.getLast().truncateFrom(index);
        segments.getLast().preallocateUpTo(segmentBytes);
    }

    /** Drops every entry and makes {@code nextIndex} the next one to append, for a snapshot the log does not match. */
    void reset(long nextIndex) throws IOException {
        buffer.clear();
        // Newest first: a crash part-way leaves older segments only, which recovery recognises as left over.
        while (!segments.isEmpty()) {
            LogSegment doomed = segments.removeLast();
            doomed.close();
            Files.delete(doomed.path());
        }
        startAt(nextIndex);
        Fsync.directory(dir);
        directoryChanged = false;
        unsynced = false;
    }

    /** Deletes whole segments whose entries are all at or before {@code upToIndex}; never the last one. */
    int compact(long upToIndex) throws IOException {
        int removed = 0;
        // Oldest first: a crash part-way leaves a suffix, and a deletion that does not survive only costs disk space.
        while (segments.size() > 1 && segments.getFirst().lastIndex() <= upToIndex) {
            LogSegment doomed = segments.removeFirst();
            doomed.close();
            Files.delete(doomed.path());
            removed++;
        }
        return removed;
    }

    List<Entry> read(long from, long toExclusive) throws IOException {
        if (buffer.position() > 0 && toExclusive > segments.getLast().firstIndex()) {
            // Only the newest records can still sit in the buffer, and only the last segment holds them.
            segments.getLast().flush(buffer);
        }
        List<Entry> entries = new ArrayList<>(Math.toIntExact(toExclusive - from));
        long next = from;
        while (next < toExclusive) {
            LogSegment segment = segmentOf(next);
            long stop = Math.min(toExclusive, segment.lastIndex() + 1);
            entries.addAll(segment.read(next, stop, codec));
            next = stop;
        }
        return entries;
    }

    /** Makes every append since the last sync durable: one fdatasync of the active segment, plus the directory if a segment was created. Returns the fsyncs issued. */
    int sync() throws IOException {
        int fsyncs = 0;
        if (unsynced) {
            LogSegment active = segments.getLast();
            active.flush(buffer);
            active.force();
            unsynced = false;
            fsyncs++;
        }
        if (directoryChanged) {
            Fsync.directory(dir);
            directoryChanged = false;
            fsyncs++;
        }
        return fsyncs;
    }

    private LogSegment roll() throws IOException {
        LogSegment full = segments.getLast();
        full.flush(buffer);
        full.trimPreallocation();
        // Forced now so that only the last segment can ever end in a torn record.
        full.force();
        LogSegment next = LogSegment.create(dir, full.lastIndex() + 1);
        next.preallocateUpTo(segmentBytes);
        segments.add(next);
        directoryChanged = true;
        return next;
    }

    private void startAt(long firstIndex) throws IOException {
        LogSegment first = LogSegment.create(dir, firstIndex);
        first.preallocateUpTo(segmentBytes);
        segments.add(first);
        directoryChanged = true;
    }

    private LogSegment segmentOf(long index) {
        int low = 0;
        int high = segments.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            LogSegment segment = segments.get(mid);
            if (index < segment.firstIndex()) {
                high = mid - 1;
            } else if (index > segment.lastIndex()) {
                low = mid + 1;
            } else {
                return segment;
            }
        }
        return null;
    }

    /** A damaged record that a crash in the middle of a write cannot explain: starting would drop what follows it. */
    private static CorruptStorageException notATornWrite(Path file, LogSegment.Scan scan, String because) {
        return new CorruptStorageException("segment " + file + " is damaged at offset " + scan.badOffset() + " ("
                + scan.badReason() + ") but " + because + ", so this is not a torn write; refusing to start rather than lose"
                + " the entries after it");
    }

    private static List<Path> segmentFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + LogSegment.SUFFIX)) {
            for (Path file : stream) {
                if (LogSegment.firstIndexOf(file) > 0) {
                    files.add(file);
                }
            }
        }
        files.sort(Comparator.comparingLong(LogSegment::firstIndexOf));
        return files;
    }

    private static void deleteAll(List<LogSegment> segments) throws IOException {
        for (LogSegment segment : segments.reversed()) {
            segment.close();
            Files.delete(segment.path());
        }
        segments.clear();
    }

    private static void closeQuietly(List<LogSegment> segments, Exception failure) {
        for (LogSegment segment : segments) {
            try {
                segment.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (LogSegment segment : segments) {
            try {
                segment.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
