package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Snapshot;
import dev.quorumcommit.consensus.raft.SnapshotMetadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Snapshots, one file each, named by their last included index:
 * {@code int magic, long lastIncludedIndex, long lastIncludedTerm, int dataLength, data, int crc32c(all before it)}.
 *
 * <p>Written to a temporary file, fsynced, renamed into place and the directory fsynced, so a snapshot file either
 * is whole or does not exist under its final name. The newest {@link #KEPT} are kept so that a snapshot damaged on
 * disk still leaves an older one to fall back on.
 */
final class SnapshotFiles {

    static final int KEPT = 2;
    private static final String SUFFIX = ".snap";
    private static final String TEMPORARY = ".tmp";
    private static final int MAGIC = 0x51435331; // "QCS1"
    private static final int HEADER_BYTES = Integer.BYTES + Long.BYTES * 2 + Integer.BYTES;

    private final Path dir;

    /** The newest snapshot that reads back whole, or null, and the damaged ones passed over on the way. */
    record Loaded(SnapshotFiles files, Snapshot newest, List<String> skipped) {
    }

    private SnapshotFiles(Path dir) {
        this.dir = dir;
    }

    static Loaded open(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> skipped = new ArrayList<>();
        Snapshot newest = null;
        for (Path file : list(dir, "*" + TEMPORARY)) {
            // A save the crash interrupted: it never became the snapshot, and the log was not compacted for it.
            Files.delete(file);
        }
        List<Path> files = list(dir, "*" + SUFFIX);
        files.sort(Comparator.comparing(Path::getFileName).reversed());
        for (Path file : files) {
            String problem = null;
            try {
                newest = read(file);
            } catch (CorruptStorageException e) {
                problem = e.getMessage();
            }
            if (newest != null) {
                break;
            }
            skipped.add(problem);
        }
        return new Loaded(new SnapshotFiles(dir), newest, skipped);
    }

    /** Synchronized: the driver saves an installed snapshot while its own may still be on the way to disk. */
    synchronized void save(Snapshot snapshot) throws IOException {
        SnapshotMetadata metadata = snapshot.metadata();
        Path target = dir.resolve(fileName(metadata.lastIncludedIndex()));
        Path temporary = dir.resolve(target.getFileName() + TEMPORARY);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES)
                .putInt(MAGIC).putLong(metadata.lastIncludedIndex()).putLong(metadata.lastIncludedTerm()).putInt(snapshot.data().length)
                .flip();
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate());
        crc.update(snapshot.data());
        ByteBuffer trailer = ByteBuffer.allocate(Integer.BYTES).putInt((int) crc.getValue()).flip();
        ByteBuffer[] parts = {header, ByteBuffer.wrap(snapshot.data()), trailer};
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (trailer.hasRemaining()) {
                channel.write(parts);
            }
            channel.force(false);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(dir);
        deleteAllButNewest();
    }

    private void deleteAllButNewest() throws IOException {
        List<Path> files = list(dir, "*" + SUFFIX);
        files.sort(Comparator.comparing(Path::getFileName).reversed());
        // No fsync: an old snapshot that comes back after a crash is merely older than the newest.
        for (Path old : files.subList(Math.min(KEPT, files.size()), files.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static Snapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER_BYTES + Integer.BYTES || in.getInt(0) != MAGIC) {
            throw new CorruptStorageException("snapshot " + file + " has no valid header");
        }
        long index = in.getLong(4);
        long term = in.getLong(12);
        int length = in.getInt(20);
        if (length < 0 || bytes.length != HEADER_BYTES + length + Integer.BYTES) {
            throw new CorruptStorageException("snapshot " + file + " is " + bytes.length + " bytes but announces " + length + " bytes of data");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, HEADER_BYTES + length);
        if ((int) crc.getValue() != in.getInt(HEADER_BYTES + length)) {
            throw new CorruptStorageException("snapshot " + file + " fails its checksum");
        }
        byte[] data = new byte[length];
        System.arraycopy(bytes, HEADER_BYTES, data, 0, length);
        return new Snapshot(new SnapshotMetadata(index, term), data);
    }

    private static String fileName(long index) {
        return String.format("%020d%s", index, SUFFIX);
    }

    private static List<Path> list(Path dir, String glob) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(files::add);
        }
        return files;
    }
}
