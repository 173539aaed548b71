package net.dig.gossip;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

/**
 * A PinSketch set sketch over GF(2^32) (the BCH-based construction minisketch implements): a fixed-size
 * summary of a set of non-zero 32-bit elements from which the set can be recovered if it holds at most
 * {@link #capacity()} elements. Sketches of two sets merge by XOR into the sketch of their symmetric
 * difference, which is how ERLAY reconciles transaction sets with a few hundred bytes.
 *
 * <p>Contents: the odd power sums {@code s_i = sum over x of x^(2i+1)} for {@code i = 0 .. capacity-1}, in
 * {@link Gf2p32}. Adding an element twice removes it.
 *
 * <pre>
 * serialized form, 4 * capacity bytes
 * offset  size  field
 * 0       4     s_0 = sum x        u32 little-endian (the field element's bit i is bit i of the integer)
 * 4       4     s_1 = sum x^3      u32 little-endian
 * ...
 * 4(c-1)  4     s_(c-1) = sum x^(2c-1)
 * </pre>
 *
 * <p>Decoding rebuilds the even power sums ({@code s_2k = s_k^2}, Frobenius), finds the error-locator
 * polynomial with Berlekamp-Massey, and finds its roots with {@link SketchPolynomials#distinctRoots}.
 * Failure is reported, never guessed: decoding fails unless the locator has degree at most the requested
 * maximum, exactly that many distinct non-zero roots, and the roots reproduce every stored power sum. A
 * sketch alone cannot tell a large difference from a small one with the same power sums, so a set larger
 * than the capacity decodes to a wrong (but self-consistent) answer with small probability; sizing the
 * sketch with {@link #capacityFor} bounds that probability to {@code 2^-falsePositiveBits}.
 *
 * <p>Mutable through {@link #add}; not thread-safe. Decoding costs O(capacity^2) field operations for
 * Berlekamp-Massey and O(32 capacity^2 log capacity) for root finding; {@link #MAX_CAPACITY} caps both.
 */
public final class PinSketch {
    /** Largest capacity accepted from a peer or a caller. */
    public static final int MAX_CAPACITY = 2048;
    public static final int BYTES_PER_CAPACITY = 4;

    private final int[] sums;

    private PinSketch(int[] sums) {
        this.sums = sums;
    }

    public static PinSketch empty(int capacity) {
        checkCapacity(capacity);
        return new PinSketch(new int[capacity]);
    }

    public static PinSketch of(int capacity, int... elements) {
        PinSketch sketch = empty(capacity);
        for (int e : elements) {
            sketch.add(e);
        }
        return sketch;
    }

    /** Reads {@code 4 * capacity} bytes as written by {@link #toBytes()}. */
    public static PinSketch fromBytes(byte[] bytes) {
        if (bytes.length % BYTES_PER_CAPACITY != 0) {
            throw new IllegalArgumentException("a sketch is a multiple of 4 bytes, not " + bytes.length);
        }
        int capacity = bytes.length / BYTES_PER_CAPACITY;
        checkCapacity(capacity);
        int[] sums = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            int at = i * BYTES_PER_CAPACITY;
            sums[i] = (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16 | (bytes[at + 3] & 0xFF) << 24;
        }
        return new PinSketch(sums);
    }

    private static void checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("sketch capacity must be 1.." + MAX_CAPACITY + ", not " + capacity);
        }
    }

    public int capacity() {
        return sums.length;
    }

    /** Toggles {@code element} (non-zero) in the sketched set. */
    public PinSketch add(int element) {
        if (element == 0) {
            throw new IllegalArgumentException("zero cannot be sketched");
        }
        int squared = Gf2p32.square(element);
        int power = element;
        for (int i = 0; i < sums.length; i++) {
            sums[i] ^= power;
            power = Gf2p32.mul(power, squared);
        }
        return this;
    }

    /** The sketch of the symmetric difference, with the smaller of the two capacities. */
    public PinSketch merge(PinSketch other) {
        int[] merged = Arrays.copyOf(sums, Math.min(sums.length, other.sums.length));
        for (int i = 0; i < merged.length; i++) {
            merged[i] ^= other.sums[i];
        }
        return new PinSketch(merged);
    }

    /** The first {@code capacity} power sums: the same set sketched at a lower capacity. */
    public PinSketch truncate(int capacity) {
        checkCapacity(capacity);
        if (capacity > sums.length) {
            throw new IllegalArgumentException("cannot truncate capacity " + sums.length + " to " + capacity);
        }
        return new PinSketch(Arrays.copyOf(sums, capacity));
    }

    public boolean isEmpty() {
        for (int s : sums) {
            if (s != 0) {
                return false;
            }
        }
        return true;
    }

    public byte[] toBytes() {
        byte[] out = new byte[sums.length * BYTES_PER_CAPACITY];
        for (int i = 0; i < sums.length; i++) {
            int s = sums[i];
            int at = i * BYTES_PER_CAPACITY;
            out[at] = (byte) s;
            out[at + 1] = (byte) (s >>> 8);
            out[at + 2] = (byte) (s >>> 16);
            out[at + 3] = (byte) (s >>> 24);
        }
        return out;
    }

    /**
     * The sketched set if it has at most {@code maxElements} (capped at the capacity) elements, in
     * ascending unsigned order; empty when decoding fails.
     */
    public Optional<int[]> decode(int maxElements) {
        int limit = Math.min(maxElements, sums.length);
        if (isEmpty()) {
            return Optional.of(new int[0]);
        }
        if (limit < 1) {
            return Optional.empty();
        }
        int[] powerSums = new int[2 * sums.length];
        for (int j = 0; j < powerSums.length; j++) {
            powerSums[j] = (j & 1) == 0 ? sums[j >> 1] : Gf2p32.square(powerSums[(j - 1) >> 1]);
        }
        SketchPolynomials.Lfsr lfsr = SketchPolynomials.berlekampMassey(powerSums);
        int degree = lfsr.connection().length - 1;
        if (lfsr.length() > limit || degree != lfsr.length()) {
            return Optional.empty();
        }
        int[] reversed = new int[degree + 1];
        for (int i = 0; i <= degree; i++) {
            reversed[i] = lfsr.connection()[degree - i];
        }
        int[] roots = SketchPolynomials.distinctRoots(reversed);
        if (roots == null || !Arrays.equals(of(sums.length, roots).sums, sums)) {
            return Optional.empty();
        }
        return Optional.of(roots);
    }

    /**
     * The capacity that decodes {@code differences} elements with a false-positive probability of at most
     * {@code 2^-falsePositiveBits} when the true difference is larger (minisketch's rule for 32-bit
     * elements): a capacity-n sketch already rejects all but about {@code 1/n!} of random inputs, and each
     * extra power sum adds 32 bits of checking.
     */
    public static int capacityFor(int differences, int falsePositiveBits) {
        if (differences < 0 || falsePositiveBits < 0) {
            throw new IllegalArgumentException("differences and falsePositiveBits must be >= 0");
        }
        if (differences == 0) {
            return falsePositiveBits == 0 ? 0 : (falsePositiveBits + 31) / 32;
        }
        int base = log2FloorFactorial(differences, falsePositiveBits);
        if (base >= falsePositiveBits) {
            return differences;
        }
        return differences + (falsePositiveBits - base + 31) / 32;
    }

    /** {@code floor(log2(n!))}, saturated once it reaches {@code ceiling}. */
    private static int log2FloorFactorial(int n, int ceiling) {
        BigInteger factorial = BigInteger.ONE;
        for (int i = 2; i <= n; i++) {
            factorial = factorial.multiply(BigInteger.valueOf(i));
            if (factorial.bitLength() - 1 >= ceiling) {
                return ceiling;
            }
        }
        return factorial.bitLength() - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PinSketch other && Arrays.equals(sums, other.sums);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sums);
    }

    @Override
    public String toString() {
        return "PinSketch[capacity=" + sums.length + "]";
    }
}
