package net.dig.net.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.dig.testkit.Prerequisites;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dig.net.InboundMessage;
import net.dig.net.InboundReceiver;

/**
 * A peer program from {@code interop/} (the Chia harness or the DIG Rust peer) running as a child
 * process on loopback, with its JSON-lines stdout collected for assertions.
 *
 * <p>Both programs print one flat JSON object per line ({@code {"event": "...", ...}}); Python
 * separates with {@code ": "}, serde with {@code ":"}, so lookups here use patterns tolerant of
 * both instead of a JSON library the module does not otherwise need. stderr goes to a file next
 * to the test's temporary directory and is appended to every failure message.
 *
 * <p>Every process is bounded twice: by the timeout flag the program itself honours, and by
 * {@link #close()}, which destroys it (and its children, e.g. a Chia full node) if it is still
 * running. A missing prerequisite fails the test under CI ({@code CI=true}, where {@code .ci/run}
 * installs them) and aborts it elsewhere with the command that installs it.
 */
final class ExternalPeer implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path stderr;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ExternalPeer(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.reader = Thread.ofVirtual().name(name + "-stdout").start(this::readLines);
    }

    static ExternalPeer start(String name, Path workDir, List<String> command) throws IOException {
        Files.createDirectories(workDir);
        Path stderr = workDir.resolve(name + ".stderr.log");
        Process process = new ProcessBuilder(command)
                .directory(repoRoot().toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new ExternalPeer(name, process, stderr);
    }

    /** The checkout's root: the nearest ancestor of the working directory holding {@code interop/}. */
    static Path repoRoot() {
        Path root = Prerequisites.rootHolding("interop/README.md");
        if (root == null) {
            throw new IllegalStateException("no interop/ directory above " + Path.of("").toAbsolutePath());
        }
        return root;
    }

    /** The prerequisite at {@code relative} (from the repo root), or fail/abort saying how to install it. */
    static Path prerequisite(String relative, String installCommand) {
        return Prerequisites.executable(repoRoot().resolve(relative), installCommand);
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("{\"event\": \"harness_stdout_error\", \"error\": \"" + e.getMessage() + "\"}");
        }
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Lines whose {@code event} field is {@code event}. */
    List<String> events(String event) {
        Pattern p = field("event", "\"" + Pattern.quote(event) + "\"");
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (p.matcher(line).find()) {
                out.add(line);
            }
        }
        return out;
    }

    /** Waits (bounded) for the first line with the given event and returns it. */
    String awaitEvent(String event, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(50))
                .failFast(() -> !process.isAlive() && events(event).isEmpty() && !reader.isAlive())
                .untilAsserted(() -> assertThat(events(event)).as(describe()).isNotEmpty());
        return events(event).getFirst();
    }

    /** Waits (bounded) for the process to end and returns its exit status. */
    int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            fail(name + " still running after " + atMost + "\n" + describe());
        }
        reader.join(Duration.ofSeconds(5));
        return process.exitValue();
    }

    /** The integer value of {@code key} in {@code line}. */
    static Optional<Long> number(String line, String key) {
        Matcher m = field(key, "(-?\\d+)").matcher(line);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The string value of {@code key} in {@code line}. */
    static Optional<String> string(String line, String key) {
        Matcher m = field(key, "\"([^\"]*)\"").matcher(line);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static Pattern field(String key, String valuePattern) {
        return Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*" + valuePattern);
    }

    /** Everything the process said, for failure messages. */
    String describe() {
        String err;
        try {
            err = Files.exists(stderr) ? tail(Files.readString(stderr), 4000) : "";
        } catch (IOException e) {
            err = "(stderr unreadable: " + e.getMessage() + ")";
        }
        return name + " stdout:\n" + String.join("\n", lines) + "\n" + name + " stderr (tail):\n" + err;
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : s.substring(s.length() - max);
    }

    /** SIGTERM first so the Chia harness can stop its full node, then force. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        reader.join(Duration.ofSeconds(5));
    }

    /** The first inbound message of {@code type}, waiting at most {@code wait}; other messages are skipped. */
    static InboundMessage awaitMessage(InboundReceiver inbound, int type, Duration wait) {
        AtomicReference<InboundMessage> found = new AtomicReference<>();
        await().atMost(wait).until(() -> {
            for (Optional<InboundMessage> next = inbound.tryReceive(); next.isPresent(); next = inbound.tryReceive()) {
                if (next.get().message().type() == type) {
                    found.set(next.get());
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }
}
