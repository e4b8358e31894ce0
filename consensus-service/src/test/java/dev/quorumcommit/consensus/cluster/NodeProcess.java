package dev.quorumcommit.consensus.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One consensus-service jar running as a real process, killed with SIGKILL when the test says so. */
final class NodeProcess {

    final String id;
    final int port;
    final Path dataDir;
    final Path logFile;
    private final List<String> command;
    private Process process;

    NodeProcess(String id, int port, Path dataDir, Path logFile, String peers, Path jar, List<String> extraArgs) {
        this.id = id;
        this.port = port;
        this.dataDir = dataDir;
        this.logFile = logFile;
        String java = ProcessHandle.current().info().command().orElse("java");
        this.command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--server.port=" + port, "--consensus.node-id=" + id, "--consensus.peers=" + peers,
                "--consensus.data-dir=" + dataDir, "--consensus.chaos.enabled=true"));
        this.command.addAll(extraArgs);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void start() {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + id, e);
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** kill -9: no shutdown hook runs, nothing unsynced survives. */
    void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
