package dev.quorumcommit.system.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.quorumcommit.system.support.Project;

/** The shell block between {@code <!-- tour:begin -->} and {@code <!-- tour:end -->} of README.md, verbatim. */
final class ReadmeTour {

    private static final Pattern TOUR = Pattern.compile("<!-- tour:begin -->\\s*```bash\\n(.*?)```\\s*<!-- tour:end -->", Pattern.DOTALL);

    private ReadmeTour() {
    }

    static String script() {
        try {
            String readme = Files.readString(Project.root().resolve("README.md"));
            Matcher tour = TOUR.matcher(readme);
            if (!tour.find()) {
                throw new AssertionError("README.md has no ```bash block between <!-- tour:begin --> and <!-- tour:end -->");
            }
            return tour.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
