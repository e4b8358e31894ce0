package dev.quorumcommit.consensus.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes sure the data directory exists and can be written, before anything else of the node starts. */
final class DataDirectory {

    private DataDirectory() {
    }

    static Path prepare(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
            Path probe = Files.createTempFile(absolute, ".write-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationException("consensus.data-dir " + absolute + " cannot be written: " + e, e);
        }
        return absolute;
    }
}
