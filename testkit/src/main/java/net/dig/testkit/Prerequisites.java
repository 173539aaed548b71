package net.dig.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Programs a test needs that the build does not make (a real peer, a reference implementation): found
 * relative to the checkout's root, where {@code .ci/run} (or the install command a test names) puts
 * them. A missing one fails the test under CI ({@code CI=true}) and skips it elsewhere, with the
 * command that installs it.
 */
public final class Prerequisites {
    private Prerequisites() {}

    /** The nearest ancestor of the working directory holding {@code marker} (a file), else null. */
    public static Path rootHolding(String marker) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(marker))) {
                return p;
            }
        }
        return null;
    }

    /** {@code path} when it is executable; otherwise fails (CI) or aborts (elsewhere) naming {@code installCommand}. */
    public static Path executable(Path path, String installCommand) {
        if (!Files.isExecutable(path)) {
            String message = path + " is missing: run `" + installCommand + "` from the repository root";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + " (.ci/run must do it before ./mvnw -B verify)");
            }
            Assumptions.abort(message);
        }
        return path;
    }
}
