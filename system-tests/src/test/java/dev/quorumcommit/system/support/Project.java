package dev.quorumcommit.system.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and its packaged jars are, and free ports to run them on. */
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

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
