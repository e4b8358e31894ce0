package dev.quorumcommit.system.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the repository and its packaged jars are, the jars extracted to run, and free ports to run them on. */
public final class Project {

    private Project() {
    }

    public static Path root() {
        String root = System.getProperty("project.root");
        Path path = Path.of(root == null ? ".." : root).toAbsolutePath().normalize();
        if (!Files.exists(path.resolve("docker-compose.yml"))) {
            throw new IllegalStateException("project.root " + path + " is not the repository (no docker-compose.yml)");
        }
        return path;
    }

    public static Path jar(String service) {
        Path jar = root().resolve(service).resolve("target").resolve(service + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw verify from the repository, which packages it first");
        }
        return jar;
    }

    /**
     * The service's jar extracted as {@code run.sh} extracts it, into the same folder (its libraries beside it, read by
     * the JDK's class loader): so the processes the tests start run as a person's do, on a fifth less CPU at start-up
     * and clear of spring-boot#51463, the executable jar's hang under virtual threads. Extracted again when the jar is
     * newer than the extraction.
     */
    public static synchronized Path extractedJar(String service) {
        Path jar = jar(service);
        Path dir = jar.resolveSibling("extracted");
        Path stamp = dir.resolve(".extracted");
        try {
            if (!Files.exists(stamp) || Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(stamp)) > 0) {
                if (Files.exists(dir)) {
                    try (Stream<Path> old = Files.walk(dir)) {
                        for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                            Files.delete(path);
                        }
                    }
                }
                String java = ProcessHandle.current().info().command().orElse("java");
                Commands.run(root(), 120, java, "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
                        dir.toString()).orFail("extracting " + jar);
                Files.createFile(stamp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract " + jar, e);
        }
        return dir.resolve(service + ".jar");
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
