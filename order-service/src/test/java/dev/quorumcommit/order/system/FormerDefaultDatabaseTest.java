package dev.quorumcommit.order.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormerDefaultDatabaseTest {

    private static final String DEFAULT_URL = "jdbc:h2:file:./data/orders;DB_CLOSE_ON_EXIT=FALSE";

    @TempDir
    Path workingDirectory;

    @Test
    void theFormerDefaultFileBesideTheNewDefaultIsNamedWithWhatToDo() throws IOException {
        Files.createDirectories(workingDirectory.resolve("data"));
        Files.writeString(workingDirectory.resolve("data/order.mv.db"), "H2");

        assertThat(new FormerDefaultDatabase(DEFAULT_URL, workingDirectory).warning()).hasValueSatisfying(warning ->
                assertThat(warning).contains(workingDirectory.resolve("data/order.mv.db").toAbsolutePath().toString())
                        .contains("--spring.datasource.url=jdbc:h2:file:./data/order;"));
    }

    @Test
    void nothingIsSaidWithoutTheFormerFileOrWithADatabaseChosenOnPurpose() throws IOException {
        assertThat(new FormerDefaultDatabase(DEFAULT_URL, workingDirectory).warning()).isEmpty();

        Files.createDirectories(workingDirectory.resolve("data"));
        Files.writeString(workingDirectory.resolve("data/order.mv.db"), "H2");
        assertThat(new FormerDefaultDatabase("jdbc:h2:file:/var/lib/orders", workingDirectory).warning()).isEmpty();
        assertThat(new FormerDefaultDatabase("jdbc:h2:file:./data/order;DB_CLOSE_ON_EXIT=FALSE", workingDirectory)
                .warning()).isEmpty();
    }
}
