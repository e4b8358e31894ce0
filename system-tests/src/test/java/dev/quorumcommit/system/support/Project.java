package dev.quorumcommit.system.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
     * The service's jar extracted as {@code run.sh} runs it, by the same script ({@code scripts/extracted-jar.sh}, which
     * says why): the processes the tests start run as a person's do.
     */
    public static synchronized Path extractedJar(String service) {
        jar(service); // missing: say how to build it
        Commands.Result extracted = Commands.run(root(), Map.of("JAVA_HOME", System.getProperty("java.home")), 120,
                List.of("bash", root().resolve("scripts/extracted-jar.sh").toString(), service))
                .orFail("extracting " + service);
        List<String> lines = extracted.output().strip().lines().toList();
        return Path.of(lines.getLast()); // its last line; a JVM's notice could come before it
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
