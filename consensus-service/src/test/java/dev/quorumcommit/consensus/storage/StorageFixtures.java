package dev.quorumcommit.consensus.storage;

import dev.quorumcommit.consensus.raft.Entry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

final class StorageFixtures {

    /** Small enough that a few entries fill a segment, so tests cross segment boundaries cheaply. */
    static final StorageOptions TINY_SEGMENTS = StorageOptions.DEFAULTS.withSegmentBytes(200);

    private StorageFixtures() {
    }

    static List<Entry> entries(long from, long toInclusive, long term) {
        List<Entry> entries = new ArrayList<>();
        for (long index = from; index <= toInclusive; index++) {
            entries.add(new Entry(index, term, Entry.Kind.COMMAND, ("command " + index + " of term " + term).getBytes(StandardCharsets.UTF_8)));
        }
        return entries;
    }

    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(RaftStorage.LOG_DIR))) {
            return files.filter(f -> f.toString().endsWith(LogSegment.SUFFIX)).sorted().toList();
        }
    }
}
