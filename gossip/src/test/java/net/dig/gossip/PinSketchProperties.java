package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;

/** PinSketch recovers every symmetric difference within capacity and reports failure beyond it. */
class PinSketchProperties {

    /** Two overlapping random sets whose symmetric difference has exactly {@code difference} elements. */
    private record Pair(int[] a, int[] b, int[] difference) {}

    private static Pair pair(Gen g, int shared, int difference) {
        Set<Integer> used = new HashSet<>();
        int[] common = distinct(g, shared, used);
        int[] diff = distinct(g, difference, used);
        int onlyA = g.ints(0, difference);
        int[] a = concat(common, Arrays.copyOfRange(diff, 0, onlyA));
        int[] b = concat(common, Arrays.copyOfRange(diff, onlyA, difference));
        return new Pair(a, b, sortedUnsigned(diff));
    }

    /** Distinct non-zero elements, a quarter of them small (to meet the field's low-degree corner). */
    private static int[] distinct(Gen g, int n, Set<Integer> used) {
        SplittableRandom r = new SplittableRandom(g.longs());
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int v;
            do {
                v = r.nextInt(4) == 0 ? 1 + r.nextInt(64) : r.nextInt();
            } while (v == 0 || !used.add(v));
            out[i] = v;
        }
        return out;
    }

    private static int[] concat(int[] x, int[] y) {
        int[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static int[] sortedUnsigned(int[] v) {
        return Arrays.stream(v).mapToLong(Integer::toUnsignedLong).sorted().mapToInt(x -> (int) x).toArray();
    }

    @Test
    void anyDifferenceWithinCapacityDecodesExactly() {
        PropertyRunner.tries(200).check(g -> {
            int capacity = g.ints(1, 32);
            Pair p = pair(g, g.ints(0, 200), g.ints(0, capacity));
            PinSketch merged = PinSketch.of(capacity, p.a()).merge(PinSketch.of(capacity, p.b()));
            assertThat(merged.decode(capacity)).as("capacity %d", capacity).hasValueSatisfying(
                    decoded -> assertThat(decoded).containsExactly(p.difference()));
        });
    }

    /** With the false-positive margin of {@link PinSketch#capacityFor} a too-large difference is refused. */
    @Test
    void aDifferenceAboveCapacityIsRefused() {
        PropertyRunner.tries(200).check(g -> {
            int expected = g.ints(1, 30);
            int capacity = PinSketch.capacityFor(expected, 64);
            int difference = g.ints(capacity + 1, capacity + 40);
            Pair p = pair(g, g.ints(0, 100), difference);
            PinSketch merged = PinSketch.of(capacity, p.a()).merge(PinSketch.of(capacity, p.b()));
            assertThat(merged.decode(expected)).as("capacity %d, difference %d", capacity, difference).isEmpty();
        });
    }

    /**
     * Without a margin a wrong answer can come out (capacity 1 "decodes" any non-zero sum to one element),
     * but never one inconsistent with the sketch: whatever decodes sketches back to the same bytes.
     */
    @Test
    void whateverDecodesReproducesTheSketch() {
        PropertyRunner.tries(300).check(g -> {
            int capacity = g.ints(1, 6);
            Pair p = pair(g, 0, g.ints(capacity + 1, capacity + 8));
            PinSketch sketch = PinSketch.of(capacity, p.a()).merge(PinSketch.of(capacity, p.b()));
            Optional<int[]> decoded = sketch.decode(capacity);
            decoded.ifPresent(set -> assertThat(PinSketch.of(capacity, set)).isEqualTo(sketch));
        });
    }

    /** Random bytes, as a hostile peer would send, decode only to a set that reproduces them. */
    @Test
    void randomBytesNeverDecodeToAnInconsistentSet() {
        PropertyRunner.tries(300).check(g -> {
            PinSketch sketch = PinSketch.fromBytes(g.bytes(4 * g.ints(1, 24)));
            sketch.decode(sketch.capacity()).ifPresent(set -> {
                assertThat(set).doesNotContain(0).doesNotHaveDuplicates();
                assertThat(PinSketch.of(sketch.capacity(), set)).isEqualTo(sketch);
            });
        });
    }

    @Test
    void serializationRoundTripsAndMergeIsXor() {
        PropertyRunner.tries(100).check(g -> {
            int capacity = g.ints(1, 64);
            Pair p = pair(g, g.ints(0, 30), g.ints(0, 30));
            PinSketch a = PinSketch.of(capacity, p.a());
            PinSketch b = PinSketch.of(capacity, p.b());
            assertThat(PinSketch.fromBytes(a.toBytes())).isEqualTo(a);
            byte[] xor = a.toBytes();
            byte[] bb = b.toBytes();
            for (int i = 0; i < xor.length; i++) {
                xor[i] ^= bb[i];
            }
            assertThat(a.merge(b).toBytes()).isEqualTo(xor);
            assertThat(a.merge(b)).isEqualTo(PinSketch.of(capacity, p.difference()));
        });
    }
}
