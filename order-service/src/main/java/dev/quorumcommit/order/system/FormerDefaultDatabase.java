package dev.quorumcommit.order.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Until 2026-12-02 a bare {@code java -jar order-service.jar} kept its database in {@code ./data/order.mv.db}, unlike
 * {@code run.sh}, compose and the contract ({@code ./data/orders}); the default now agrees with them. Whoever ran the
 * jar bare before would start on an empty database and not know why their orders (and any transaction the old file
 * had prepared) are gone: this says so once at start, with what to do. It moves nothing itself: the file may belong
 * to a service that is still running.
 */
@Component
class FormerDefaultDatabase {

    private static final Logger log = LoggerFactory.getLogger(FormerDefaultDatabase.class);

    private static final String DEFAULT_URL_PREFIX = "jdbc:h2:file:./data/orders;";
    private static final Path FORMER_FILE = Path.of("data", "order.mv.db");

    private final String url;
    private final Path workingDirectory;

    @Autowired
    FormerDefaultDatabase(@Value("${spring.datasource.url}") String url) {
        this(url, Path.of(""));
    }

    FormerDefaultDatabase(String url, Path workingDirectory) {
        this.url = url;
        this.workingDirectory = workingDirectory;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnIfLeftBehind() {
        warning().ifPresent(log::warn);
    }

    Optional<String> warning() {
        Path former = workingDirectory.resolve(FORMER_FILE);
        if (!url.startsWith(DEFAULT_URL_PREFIX) || !Files.exists(former)) {
            return Optional.empty();
        }
        return Optional.of("Found " + former.toAbsolutePath() + ": an earlier version kept this service's database there"
                + " by default; this one uses ./data/orders.mv.db. To go on with the old orders, start with"
                + " --spring.datasource.url=jdbc:h2:file:./data/order;DB_CLOSE_ON_EXIT=FALSE, or stop the service and"
                + " rename the file to orders.mv.db once this version's is no longer needed.");
    }
}
