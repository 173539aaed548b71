package net.dig.node;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training run of the launcher's JDK ahead-of-time cache ({@code dig-node}, JEP 483/514/515): runs the
 * commands operators run most, in one JVM, in a scratch home, so that the cache holds their classes
 * and the profiles of their hot loops (hashing, zstd, the plot writer and verifier) and a fresh
 * command compiles those early instead of running them interpreted.
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=FILE -cp dig-node.jar net.dig.node.AotTraining SCRATCH_DIR}.
 * The samples are made here: random bytes (stored plain after the compressibility probe) and repeated
 * text (compressed), each several capsules' worth of chunks. Exit code 0 only if every command
 * succeeded, so that the launcher keeps no cache from a failed run.
 */
public final class AotTraining {
    private static final int SAMPLE_BYTES = 24 << 20;

    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: AotTraining SCRATCH_DIR");
            System.exit(ExitCodes.USAGE);
        }
        int code = train(Path.of(args[0]), new PrintWriter(System.err, true));
        LogSetup.stop();
        System.exit(code);
    }

    /** Runs the training commands in {@code dir}; the first non-zero exit code, else 0. */
    static int train(Path dir, PrintWriter err) throws IOException {
        Files.createDirectories(dir);
        Path random = dir.resolve("random.bin");
        Path text = dir.resolve("text.txt");
        byte[] bytes = new byte[SAMPLE_BYTES];
        new SplittableRandom(1).nextBytes(bytes);
        Files.write(random, bytes);
        try (OutputStream out = Files.newOutputStream(text)) {
            byte[] line = "a datastore capsule is stored in a plot file and served with a Merkle proof\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (long n = 0; n < SAMPLE_BYTES; n += line.length) {
                out.write(line);
            }
        }
        String home = dir.resolve("home").toString();
        String[][] commands = {
            {"--version"},
            {"--data-dir", home, "init"},
            {"--data-dir", home, "datastore", "add", random.toString()},
            {"--data-dir", home, "datastore", "add", text.toString()},
            {"--data-dir", home, "plot", "list"},
            {"--data-dir", home, "plot", "verify"},
            {"--data-dir", home, "plot", "verify", "--json"},
        };
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        for (String[] command : commands) {
            int c = Main.run(command, Map.of(), quiet, err);
            if (c != ExitCodes.OK) {
                err.println("AotTraining: '" + String.join(" ", command) + "' exited " + c);
                return c;
            }
        }
        return ExitCodes.OK;
    }
}
