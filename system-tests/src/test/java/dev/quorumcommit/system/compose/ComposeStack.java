package dev.quorumcommit.system.compose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.quorumcommit.system.support.Commands;
import dev.quorumcommit.system.support.Project;

/**
 * The repository's docker-compose.yml brought up under a project name of its own, on free host
 * ports and with image tags of its own, so that it neither clashes with a cluster a person is running
 * nor leaves anything behind: {@link #close()} removes its containers, network, volumes and images.
 */
final class ComposeStack implements AutoCloseable {

    static final String BASE_IMAGE = "quorum-commit/jre:bookworm";

    final String project = "qc-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Path root = Project.root();
    private final List<String> compose = composeCommand();

    ComposeStack() {
        ports.put("consensus-1", Project.freePort());
        ports.put("consensus-2", Project.freePort());
        ports.put("consensus-3", Project.freePort());
        ports.put("inventory", Project.freePort());
        ports.put("order", Project.freePort());
    }

    /** {@code docker compose} (v2) where the plugin is installed, else {@code docker-compose} (v1). */
    static List<String> composeCommand() {
        if (Commands.run(Path.of("."), 30, "docker", "compose", "version").exitCode() == 0) {
            return List.of("docker", "compose");
        }
        return List.of("docker-compose");
    }

    static String engineProblem() {
        Commands.Result info = Commands.run(Path.of("."), 30, "docker", "info", "--format", "{{.ServerVersion}}");
        return info.exitCode() == 0 ? null : info.output().strip();
    }

    void ensureBaseImage() {
        if (Commands.run(root, 30, "docker", "image", "inspect", BASE_IMAGE).exitCode() != 0) {
            Commands.run(root, 900, "docker/build-base-image.sh").orFail("docker/build-base-image.sh");
        }
    }

    Commands.Result compose(long timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", project, "-f", root.resolve("docker-compose.yml").toString()));
        command.addAll(List.of(args));
        return Commands.run(root, environment(), timeoutSeconds, command);
    }

    /**
     * The container of a service, by compose's labels: v1 names it {@code <project>_<service>_1} and v2
     * {@code <project>-<service>-1}, but both label it alike.
     */
    String containerOf(String service) {
        String id = Commands.run(root, 30, "docker", "ps", "--filter", "label=com.docker.compose.project=" + project,
                "--filter", "label=com.docker.compose.service=" + service, "-q").orFail("docker ps").output().strip();
        if (id.isEmpty() || id.contains("\n")) {
            throw new AssertionError("expected one running container of " + service + " in " + project + ", found '" + id + "'");
        }
        return id;
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    private Map<String, String> environment() {
        return Map.of(
                "QC_IMAGE_TAG", project,
                "QC_CONSENSUS_1_PORT", ports.get("consensus-1").toString(),
                "QC_CONSENSUS_2_PORT", ports.get("consensus-2").toString(),
                "QC_CONSENSUS_3_PORT", ports.get("consensus-3").toString(),
                "QC_INVENTORY_PORT", ports.get("inventory").toString(),
                "QC_ORDER_PORT", ports.get("order").toString());
    }

    @Override
    public void close() {
        Commands.Result down = compose(300, "down", "--volumes", "--remove-orphans", "--rmi", "all");
        if (down.exitCode() != 0) {
            System.err.println("[compose] removing " + project + " failed:\n" + down.output());
        }
        // The classic builder keeps the layer-extraction stage as untagged images that `down --rmi`
        // does not know of and `image prune` does not count as dangling: remove them by their label.
        List<String> stages = Commands.run(root, 60, "docker", "images", "-q", "--filter", "label=quorum-commit.stage=layers")
                .output().lines().filter(line -> !line.isBlank()).distinct().toList();
        if (!stages.isEmpty()) {
            List<String> rmi = new ArrayList<>(List.of("docker", "rmi", "--force"));
            rmi.addAll(stages);
            Commands.run(root, Map.of(), 120, rmi);
        }
    }
}
