package dev.quorumcommit.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real file system of a few megabytes (tmpfs) mounted on a process's data directory, so that a test can fill it
 * and the process meets {@code ENOSPC} where it would in production: in its own writes. Mounting needs root, as
 * in CI; elsewhere {@link #mount} says it cannot, and the test that asked is skipped.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    /** @return the mounted disk, or null when this machine does not let the test mount one */
    public static SmallDisk mount(Path mountPoint, int megabytes) throws IOException {
        Files.createDirectories(mountPoint);
        return run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString()))
                ? new SmallDisk(mountPoint) : null;
    }

    /** Takes all the free space but {@code leaveBytes}. */
    public void fill(long leaveBytes) throws IOException {
        long toWrite = Files.getFileStore(mountPoint).getUsableSpace() - leaveBytes;
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (long written = 0; written < toWrite; written += block.length) {
                out.write(block, 0, (int) Math.min(block.length, toWrite - written));
            }
        }
    }

    public void makeRoom() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Lazily, so that a process still holding a file open (a test that failed early) cannot keep it mounted. */
    @Override
    public void close() {
        run(List.of("umount", "-l", mountPoint.toString()));
    }

    private static boolean run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
