package dev.quorumcommit.system.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service jar, extracted as run.sh runs it, as a real process on its own port, its output
 * appended to a log file, so that a test can kill it with SIGKILL, freeze it with SIGSTOP, and start it
 * again on the same port and data. The contract's flags are the caller's; {@link #start(List)} may add a
 * few for one run only (a fault-injection switch), so that the restart after the fault runs without them.
 */
public final class ServiceProcess {

    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private final String name;
    private final int port;
    private final Path logFile;
    private final List<String> command;
    private Process process;

    public ServiceProcess(String name, String service, int port, Path logFile, List<String> flags) {
        this.name = name;
        this.port = port;
        this.logFile = logFile;
        // Small heaps and the C1 compiler only: five JVMs start side by side on two cores.
        this.command = new ArrayList<>(List.of(JAVA, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", Project.extractedJar(service).toString(), "--server.port=" + port));
        this.command.addAll(flags);
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public ServiceProcess start() {
        return start(List.of());
    }

    /**
     * Starts the process with its flags plus extraFlags for this run only; an extra {@code --name=value} replaces a
     * flag of the same name (given twice, Spring would read both values as one list).
     */
    public ServiceProcess start(List<String> extraFlags) {
        if (alive()) {
            throw new IllegalStateException(name + " is already running");
        }
        List<String> run = new ArrayList<>(command);
        for (String extra : extraFlags) {
            run.removeIf(flag -> extra.contains("=") && flag.startsWith(extra.substring(0, extra.indexOf('=') + 1)));
        }
        run.addAll(extraFlags);
        try {
            Files.writeString(logFile, "\n===== start " + String.join(" ", extraFlags) + " =====\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(run).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        return this;
    }

    /** Ready as its readiness probe says; fails at once, with its log, if the process exits meanwhile. */
    public ServiceProcess awaitReady(Duration timeout) {
        await(name + " ready").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250))
                .failFast(name + " exited while starting:\n" + logTail(30), () -> !alive())
                .until(() -> Http.get(url() + "/actuator/health/readiness").status() == 200);
        return this;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    /** kill -9: no shutdown hook runs, nothing in memory survives. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
        }
    }

    /** Waits for the process to end by itself (a fault-injection halt) and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still runs after " + timeout + ":\n" + logTail(30));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -STOP: the process keeps its sockets and memory but runs nothing, like a long GC pause or a frozen VM. */
    public void freeze() {
        signal("STOP");
    }

    /** kill -CONT: the frozen process runs on as if nothing happened, its clock jumped ahead. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String signal) {
        Commands.run(Path.of("."), 10, "kill", "-" + signal, Long.toString(pid())).orFail("kill -" + signal + " " + name);
    }

    /**
     * Every thread of the running process, virtual ones too (jstack shows only those mounted on a carrier), written
     * next to its log, and its heap: what a test that failed on a process that stopped answering needs to say why
     * (blocked threads, or a heap so full that the collector runs all the time).
     */
    public String threadsAndHeap() {
        if (!alive()) {
            return "(" + name + " is not running)";
        }
        String jcmd = Path.of(JAVA).resolveSibling("jcmd").toString();
        Path dump = logFile.resolveSibling(name + "-threads-" + System.currentTimeMillis() + ".txt");
        try {
            String heap = Commands.run(Path.of("."), 60, jcmd, Long.toString(pid()), "GC.heap_info").output();
            Commands.Result threads = Commands.run(Path.of("."), 60, jcmd, Long.toString(pid()),
                    "Thread.dump_to_file", "-format=text", dump.toString());
            return heap + "\n" + (threads.exitCode() == 0 ? Files.readString(dump) : threads.output());
        } catch (IOException | AssertionError e) {
            // Called while a test fails: its own failure must not be lost to this one.
            return "(no threads or heap of " + name + ": " + e + ")";
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
