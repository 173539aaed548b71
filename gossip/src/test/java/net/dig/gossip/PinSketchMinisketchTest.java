package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.dig.testkit.Prerequisites;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Byte-for-byte agreement with minisketch, the C++ reference implementation of PinSketch.
 *
 * <p>Runs the sketch printer that {@code gossip/src/test/minisketch/build-reference.sh} builds (it fetches
 * minisketch's source through cargo, inside the {@code minisketch-rs} crate, and compiles it with g++) into
 * {@value #REFERENCE}, found from the repository root; {@code -Ddig.minisketch.reference=PATH} names another
 * build. A missing reference fails the test under CI ({@code CI=true}, where {@code .ci/run} builds it) and
 * skips it elsewhere with the command that builds it.
 */
class PinSketchMinisketchTest {
    private static final String REFERENCE_PROPERTY = "dig.minisketch.reference";
    private static final String BUILD_SCRIPT = "gossip/src/test/minisketch/build-reference.sh";
    private static final String REFERENCE = "gossip/src/test/minisketch/target/sketch-ref";

    @Test
    void sketchesMatchMinisketchByteForByte() throws Exception {
        String reference = reference().toString();
        SplittableRandom random = new SplittableRandom(330);
        for (int round = 0; round < 60; round++) {
            int capacity = 1 + random.nextInt(round < 30 ? 12 : 64);
            int count = random.nextInt(40);
            int[] elements = new int[count];
            List<String> command = new ArrayList<>(List.of(reference, Integer.toString(capacity)));
            for (int i = 0; i < count; i++) {
                int e;
                do {
                    e = random.nextInt();
                } while (e == 0);
                elements[i] = e;
                command.add(Integer.toUnsignedString(e));
            }
            assertThat(HexFormat.of().formatHex(PinSketch.of(capacity, elements).toBytes()))
                    .as("capacity %d, %d elements", capacity, count).isEqualTo(run(command));
        }
    }

    /** The property's path, else {@value #REFERENCE} under the nearest ancestor holding the build script. */
    private static Path reference() {
        String property = System.getProperty(REFERENCE_PROPERTY, "");
        Path root = Prerequisites.rootHolding(BUILD_SCRIPT);
        Path path = !property.isEmpty() ? Path.of(property)
                : (root == null ? Path.of("").toAbsolutePath() : root).resolve(REFERENCE);
        return Prerequisites.executable(path, "bash " + BUILD_SCRIPT);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
