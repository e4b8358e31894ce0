package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One segment file of the log, named by the index of its first entry, holding contiguous records.
 * Keeps each entry's offset and term in memory so that {@code term(i)} costs no I/O and a range read is one pread.
 */
final class LogSegment implements AutoCloseable {

    static final String SUFFIX = ".seg";
    /** How far ahead of its records the active segment's file grows at a time. */
    static final long PREALLOCATE_STEP = 1L << 20;
    /** The unit a disk writes whole, or not at all. */
    private static final int SECTOR_BYTES = 512;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private final Path path;
    private final FileChannel channel;
    private final long firstIndex;
    private int[] offsets = new int[1024];
    private long[] terms = new long[1024];
    private int count;
    /** Bytes already handed to the OS. */
    private long written;
    /** {@link #written} plus what still waits in the caller's write buffer. */
    private long end;
    /**
     * The file's length: {@link #written} plus zeros written ahead of it. Appending into bytes the file already
     * has makes an fdatasync a pure data write; growing the file makes it also commit the new length through the
     * file system's journal, which on a virtual disk costs ten times as much (see docs/BENCHMARKS.md).
     */
    private long allocated;
    /** How far zeros may be written ahead; 0 (the default) for none. Only the active segment gets a limit. */
    private long preallocateLimit;

    /**
     * What reading a segment back found: its entries, and where and why the readable records stopped early, if they did.
     *
     * @param intactAfter the damaged record is followed by a whole, valid record, and none of the damaged record's
     *                    sectors is zeros (what a write cut short leaves in space written ahead): not a torn write
     */
    record Scan(LogSegment segment, List<Entry> entries, long badOffset, String badReason, boolean onlyZerosAfter,
            boolean intactAfter) {
        boolean damaged() {
            return badReason != null;
        }
    }

    private LogSegment(Path path, FileChannel channel, long firstIndex) {
        this.path = path;
        this.channel = channel;
        this.firstIndex = firstIndex;
    }

    static String fileName(long firstIndex) {
        return String.format("%020d%s", firstIndex, SUFFIX);
    }

    /** The first index a segment file's name announces, or -1 if the name is not a segment's. */
    static long firstIndexOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name, 0, 20, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static LogSegment create(Path dir, long firstIndex) throws IOException {
        Path path = dir.resolve(fileName(firstIndex));
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new LogSegment(path, channel, firstIndex);
    }

    /**
     * Reads every record, checking checksums, that indexes follow on from the name and that terms never go back.
     * Stops at the first record that fails; the caller decides whether that is a torn tail or corruption.
     *
     * @param previousTerm the term of the entry just before this segment, 0 if none
     */
    static Scan scan(Path path, long previousTerm, RecordCodec codec) throws IOException {
        long firstIndex = firstIndexOf(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        LogSegment segment = new LogSegment(path, channel, firstIndex);
        long size = channel.size();
        if (size > Integer.MAX_VALUE) {
            channel.close();
            throw new CorruptStorageException("segment " + path + " is " + size + " bytes, more than a segment can ever grow to");
        }
        List<Entry> entries = new ArrayList<>();
        if (size == 0) {
            return new Scan(segment, entries, -1, null, false, false);
        }
        // The mapping is dropped when this method returns and never touched after a later truncate.
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        int position = 0;
        int limit = (int) size;
        long term = previousTerm;
        String badReason = null;
        while (position < limit) {
            RecordCodec.Decoded decoded = codec.decode(map, position, limit);
            if (decoded instanceof RecordCodec.Decoded.Invalid(String reason)) {
                badReason = reason;
                if (zerosFrom(map, position, limit)) {
                    badReason = "zeros after the last record (space written ahead, or a file extended but never written)";
                }
                break;
            }
            var valid = (RecordCodec.Decoded.Valid) decoded;
            Entry entry = valid.entry();
            long expected = firstIndex + entries.size();
            if (entry.index() != expected) {
                badReason = "record holds index " + entry.index() + " where " + expected + " belongs";
                break;
            }
            if (entry.term() < term) {
                badReason = "term goes back from " + term + " to " + entry.term() + " at index " + entry.index();
                break;
            }
            term = entry.term();
            segment.remember(entry.term(), position);
            entries.add(entry);
            position += valid.recordBytes();
        }
        segment.written = position;
        segment.end = position;
        segment.allocated = size;
        return new Scan(segment, entries, badReason == null ? -1 : position, badReason,
                badReason != null && zerosFrom(map, position, limit),
                badReason != null && intactAfter(map, position, limit, firstIndex + entries.size(), codec));
    }

    /**
     * Whether the record at {@code position}, which failed, is damage rather than a torn write: a crash can only tear
     * the writes that were never synced, and those are the last in the file. If a whole, valid record with the next
     * index follows it, the bad one was written before something that was, so it was probably synced and
     * acknowledged, and cutting it (with everything after) could lose an acknowledged entry. The exception is a
     * piece of the bad record between sector boundaries that is all zeros: a write cut short whose sectors reached
     * the disk out of order leaves exactly that in space written ahead. This is etcd's torn-entry test.
     */
    private static boolean intactAfter(ByteBuffer map, int position, int limit, long expectedIndex, RecordCodec codec) {
        if (limit - position < RecordCodec.HEADER_BYTES) {
            return false;
        }
        int payloadBytes = map.getInt(position);
        if (payloadBytes < RecordCodec.MIN_PAYLOAD_BYTES || payloadBytes > limit - position - RecordCodec.HEADER_BYTES) {
            return false; // its length is not believable, so where the next record starts is not known
        }
        int end = position + RecordCodec.HEADER_BYTES + payloadBytes;
        for (int from = position; from < end; ) {
            int to = Math.min(end, (from / SECTOR_BYTES + 1) * SECTOR_BYTES);
            if (zerosFrom(map, from, to)) {
                return false;
            }
            from = to;
        }
        return codec.decode(map, end, limit) instanceof RecordCodec.Decoded.Valid(Entry next, int ignored)
                && next.index() == expectedIndex + 1;
    }

    private static boolean zerosFrom(ByteBuffer bytes, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (bytes.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    Path path() {
        return path;
    }

    long firstIndex() {
        return firstIndex;
    }

    /** The index of the last entry, or {@code firstIndex - 1} when empty. */
    long lastIndex() {
        return firstIndex + count - 1;
    }

    boolean isEmpty() {
        return count == 0;
    }

    long size() {
        return end;
    }

    long term(long index) {
        return terms[slot(index)];
    }

    long lastTerm() {
        return count == 0 ? 0 : terms[count - 1];
    }

    /** Encodes the entry into {@code buffer}, handing full buffers to the OS; nothing is forced. */
    void append(Entry entry, RecordCodec codec, ByteBuffer buffer) throws IOException {
        int bytes = RecordCodec.recordBytes(entry);
        if (buffer.remaining() < bytes) {
            flush(buffer);
        }
        remember(entry.term(), Math.toIntExact(end));
        if (bytes > buffer.capacity()) {
            // Rare huge command: a one-off buffer beats growing the shared one forever.
            ByteBuffer large = ByteBuffer.allocate(bytes);
            codec.encode(entry, large);
            writeFully(large.flip());
        } else {
            codec.encode(entry, buffer);
        }
        end += bytes;
    }

    void flush(ByteBuffer buffer) throws IOException {
        if (buffer.position() > 0) {
            writeFully(buffer.flip());
            buffer.clear();
        }
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        long needed = written + bytes.remaining();
        if (needed > allocated && preallocateLimit > 0) {
            preallocate(needed);
        }
        while (bytes.hasRemaining()) {
            written += channel.write(bytes, written);
        }
        allocated = Math.max(allocated, written);
    }

    /**
     * Lets the file grow ahead of the records by writing zeros up to the next {@link #PREALLOCATE_STEP} (at most to
     * the limit), so that most syncs need not change the file's length. Nothing is forced here: the next
     * {@link #force()} makes the zeros durable with the records. A crash leaves the zeros after the last record,
     * which recovery cuts as a torn tail (exactly what it does when a file system extended a file but lost its data);
     * a clean {@link #close()} and a {@link #trimPreallocation()} before rolling cut them at once.
     */
    private void preallocate(long needed) throws IOException {
        long target = Math.max(needed, Math.min(preallocateLimit, (needed / PREALLOCATE_STEP + 1) * PREALLOCATE_STEP));
        long position = allocated;
        while (position < target) {
            ByteBuffer zeros = ZEROS.duplicate().limit((int) Math.min(ZEROS.capacity(), target - position));
            position += channel.write(zeros, position);
        }
        allocated = position;
    }

    /** Lets this segment write zeros ahead of its records up to {@code limit} bytes (for the active segment). */
    void preallocateUpTo(long limit) {
        this.preallocateLimit = limit;
    }

    /** Cuts the zeros written ahead, so that the file ends with its last record; durable with the next {@link #force()}. */
    void trimPreallocation() throws IOException {
        preallocateLimit = 0;
        if (allocated > written) {
            channel.truncate(written);
            allocated = written;
        }
    }

    /** fdatasync: the data and the file length, which is all a reader needs; no timestamps. */
    void force() throws IOException {
        channel.force(false);
    }

    /**
     * Cuts the segment so that {@code index} is the next entry to append, and makes the cut durable at once:
     * new records will overwrite the same bytes, and a cut lost under them could bring stale records back to life.
     */
    void truncateFrom(long index) throws IOException {
        int keep = Math.toIntExact(index - firstIndex);
        long cut = keep == count ? written : offsets[keep];
        channel.truncate(cut);
        channel.force(true);
        count = keep;
        written = cut;
        end = cut;
        allocated = cut;
    }

    /** Reads {@code [from, toExclusive)}, which must lie in this segment and be already written (not buffered). */
    List<Entry> read(long from, long toExclusive, RecordCodec codec) throws IOException {
        int start = offsets[slot(from)];
        long stop = toExclusive > lastIndex() ? written : offsets[slot(toExclusive)];
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(stop - start));
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, start + bytes.position()) < 0) {
                throw new CorruptStorageException("segment " + path + " ended before offset " + stop + " while reading entries " + from + ".." + (toExclusive - 1));
            }
        }
        List<Entry> entries = new ArrayList<>(Math.toIntExact(toExclusive - from));
        int position = 0;
        for (long index = from; index < toExclusive; index++) {
            RecordCodec.Decoded decoded = codec.decode(bytes, position, bytes.capacity());
            if (!(decoded instanceof RecordCodec.Decoded.Valid(Entry entry, int recordBytes)) || entry.index() != index) {
                throw new CorruptStorageException("segment " + path + " no longer reads back entry " + index + " at offset " + (start + position) + ": " + decoded);
            }
            entries.add(entry);
            position += recordBytes;
        }
        return entries;
    }

    private void remember(long term, int offset) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            terms = Arrays.copyOf(terms, count * 2);
        }
        offsets[count] = offset;
        terms[count] = term;
        count++;
    }

    private int slot(long index) {
        if (index < firstIndex || index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " is not in segment " + path.getFileName() + " [" + firstIndex + ", " + lastIndex() + "]");
        }
        return (int) (index - firstIndex);
    }

    @Override
    public void close() throws IOException {
        try {
            if (channel.isOpen()) {
                trimPreallocation();
            }
        } finally {
            channel.close();
        }
    }
}
