package net.dig.node;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Runs {@code dig-node} in-process against one data directory, capturing out and err. */
final class CliRun {
    record Result(int code, String out, String err) {}

    private final Path home;
    private final Map<String, String> env;

    CliRun(Path home, Map<String, String> env) {
        this.home = home;
        this.env = env;
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of("--data-dir", home.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * Runs {@code dig-node} in a child JVM on this test's class path, stdout and stderr to files in
     * {@code scratch} (so neither is a terminal), after {@code prefix} (e.g. {@code setpriv ... --}) and
     * with {@code jvmOptions}; waits at most 90 s.
     */
    Result inChild(Path scratch, List<String> prefix, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "net.dig.node.Main", "--data-dir", home.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "child", ".out");
        Path err = Files.createTempFile(scratch, "child", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DIG_NODE_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("dig-node " + String.join(" ", args) + " did not finish within 90 s");
            }
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Adds {@code count} datastores of {@code size} random bytes (seeded by their number), each from a file in {@code scratch}. */
    void addRandomFiles(Path scratch, int count, int size, String... options) throws IOException {
        for (int i = 0; i < count; i++) {
            Path file = scratch.resolve("f" + i + ".bin");
            byte[] b = new byte[size];
            new java.util.Random(i).nextBytes(b);
            Files.write(file, b);
            List<String> args = new ArrayList<>(List.of("datastore", "add", file.toString()));
            args.addAll(List.of(options));
            Result r = run(args.toArray(String[]::new));
            if (r.code() != 0) {
                throw new AssertionError("datastore add " + file + ": exit " + r.code() + ": " + r.err());
            }
        }
    }

    /** Every file and directory under {@code root} with its size, to compare before and after. */
    static Map<String, Long> tree(Path root) {
        Map<String, Long> out = new TreeMap<>();
        if (!Files.exists(root)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(p -> {
                try {
                    out.put(root.relativize(p).toString(), Files.isDirectory(p) ? -1L : Files.size(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
