package dev.quorumcommit.system.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.quorumcommit.system.support.Commands;
import dev.quorumcommit.system.support.Http;
import dev.quorumcommit.system.support.Project;

/**
 * The README's run command and its guided tour, as a person runs them: all five processes up with the contract's flags,
 * every Swagger UI listed and answering, demo stock on first start only, Ctrl-C (here SIGTERM, which
 * the script treats alike) stopping exactly the processes it started, and a second run finding the
 * data again.
 */
class RunScriptIT {

    private static final Pattern STARTED = Pattern.compile("Started (\\S+) \\(pid (\\d+)");
    private static final List<Integer> PORTS = List.of(9001, 9002, 9003, 8082, 8081);

    @TempDir
    Path workingDirectory;

    @Test
    void runShStartsTheClusterStopsExactlyItsProcessesAndFindsItsDataAgain() throws Exception {
        // run.sh's ports are fixed: a process left on one (another run.sh, say) would answer the checks below for it.
        for (int port : PORTS) {
            assertThat(free(port)).as("port %d is free for run.sh", port).isTrue();
        }
        RunningScript first = RunningScript.start(workingDirectory);
        try {
            first.awaitUp();
            assertThat(first.pids()).hasSize(5);
            assertThat(first.output()).contains("Stocked 100 of apple");
            for (int port : PORTS) {
                assertThat(first.output()).contains("http://127.0.0.1:" + port + "/swagger-ui.html");
                assertThat(Http.get("http://127.0.0.1:" + port + "/swagger-ui.html").status()).as("Swagger UI on %d", port).isEqualTo(200);
                assertThat(Http.get("http://127.0.0.1:" + port + "/v3/api-docs").json().path("openapi").asString()).startsWith("3.");
                assertThat(Http.get("http://127.0.0.1:" + port + "/actuator/health").json().path("status").asString()).isEqualTo("UP");
                // Refused by Tomcat before Spring sees it, and still a problem, not Tomcat's HTML page.
                Http.Answer refused = Http.get("http://127.0.0.1:" + port + "/api/a%2Fb");
                assertThat(refused.status()).as("an encoded '/' on %d", port).isEqualTo(400);
                assertThat(refused.contentType()).as("an encoded '/' on %d", port).startsWith("application/problem+json");
                assertThat(refused.json().path("detail").asString()).contains("encoded '/'");
            }
            assertThat(Http.get("http://127.0.0.1:8082/api/inventory/apple").json().path("available").asInt()).isEqualTo(100);
            aPersonTryingOutSwaggerUisExampleOrderGetsItConfirmed();
            Http.put("http://127.0.0.1:8082/api/inventory/apple", "{\"available\": 7}");

            Commands.Result tour = Commands.run(workingDirectory, 300, "bash", "-euo", "pipefail", "-c", ReadmeTour.script());
            assertThat(tour.exitCode()).as("the README's tour, which printed:%n%s", tour.output()).isZero();
            assertThat(tour.output()).contains("CONFIRMED");
            await("run.sh starts the killed leader again").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> PORTS.stream().allMatch(port -> Http.get("http://127.0.0.1:" + port + "/actuator/health/readiness").status() == 200));
            assertThat(first.output()).contains("is gone; starting it again");
        } finally {
            first.stop();
        }
        first.assertEveryProcessGone();
        assertThat(Files.isDirectory(workingDirectory.resolve("data/consensus-n1"))).isTrue();

        RunningScript second = RunningScript.start(workingDirectory);
        try {
            second.awaitUp();
            assertThat(second.output()).as("a second run keeps the stock it finds").doesNotContain("Stocked");
            assertThat(Http.get("http://127.0.0.1:8082/api/inventory/apple").json().path("available").asInt()).isEqualTo(7);
        } finally {
            second.stop();
        }
        second.assertEveryProcessGone();
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Swagger UI's "Try it out" sends the example of each field its schema gives: on a cluster run.sh just started,
     * that order must be one the demo stock can fill, not a 409 for a SKU nobody stocked.
     */
    private static void aPersonTryingOutSwaggerUisExampleOrderGetsItConfirmed() {
        JsonNode fields = Http.get("http://127.0.0.1:8081/v3/api-docs").json()
                .path("components").path("schemas").path("PlaceOrderRequest").path("properties");
        ObjectNode example = JsonNodeFactory.instance.objectNode();
        fields.properties().stream().filter(field -> field.getValue().has("example"))
                .forEach(field -> example.set(field.getKey(), field.getValue().get("example")));
        assertThat(example.has("sku")).as("the schema's example: %s", fields).isTrue();

        Http.Answer placed = Http.post("http://127.0.0.1:8081/api/orders", example.toString());
        assertThat(placed.status()).as("the example order %s: %s", example, placed.body()).isEqualTo(201);
        assertThat(placed.json().path("status").asString()).isEqualTo("CONFIRMED");
    }

    /** run.sh as a child process, with what it prints collected line by line. */
    private record RunningScript(Process process, List<String> lines) {

        static RunningScript start(Path dir) throws IOException {
            Process process = new ProcessBuilder("bash", Project.root().resolve("run.sh").toString())
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(line -> {
                        lines.add(line);
                        System.out.println("[run.sh] " + line);
                    });
                } catch (IOException ignored) {
                    // the script is gone
                }
            });
            return new RunningScript(process, lines);
        }

        String output() {
            return String.join("\n", lines);
        }

        void awaitUp() {
            await("run.sh says the cluster is up").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .failFast("run.sh exited: " + output(), () -> !process.isAlive())
                    .until(() -> output().contains("Quorum Commit is up"));
        }

        List<Long> pids() {
            return lines.stream().map(STARTED::matcher).filter(Matcher::find).map(m -> Long.parseLong(m.group(2))).toList();
        }

        void stop() throws InterruptedException {
            // SIGTERM through the handle, as a terminal's Ctrl-C reaches the script: Process.destroy()
            // would also close the script's output pipe, which is not what a person does.
            process.toHandle().destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("run.sh did not stop within 60 s of SIGTERM");
            }
        }

        void assertEveryProcessGone() {
            for (long pid : pids()) {
                await("pid " + pid + " gone").atMost(Duration.ofSeconds(30))
                        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            }
            assertThat(output()).contains("Stopped.");
        }
    }
}
