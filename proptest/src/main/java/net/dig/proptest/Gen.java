package net.dig.proptest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The values of one try of a property, all drawn from one generator seeded with the try's seed, so
 * the same seed draws the same values in the same order.
 *
 * <p>Edge cases are drawn on purpose, as a property-testing library would: every range has edge
 * values (its bounds and their neighbours, and 0, 1 and -1 where they lie inside it; a length's edges
 * are the shortest and longest arrays, lists and strings), and
 * <ul>
 *   <li>in a {@linkplain Mode#LOWER lower-edge try} every draw is its lower bound: minimum numbers,
 *       {@code false}, the first choice, the shortest (empty where allowed) all-zero arrays;</li>
 *   <li>in an {@linkplain Mode#UPPER upper-edge try} every draw is its upper bound: maximum numbers,
 *       {@code true}, the last choice, the longest all-{@code 0xff} arrays;</li>
 *   <li>in a {@linkplain Mode#MIXED mixed try} each number or length is one of its edge values with
 *       probability 1/8 and uniform over its range otherwise; an array's bytes are one repeated edge
 *       byte ({@code 00}, {@code 01}, {@code 7f}, {@code 80}, {@code ff}) with probability 1/8 and
 *       uniform otherwise.</li>
 * </ul>
 *
 * <p>Every draw is written down (truncated once the record grows long) so that a failure can show
 * what the try was given. Not thread-safe: a try runs on one thread.
 */
public final class Gen {
    /** How a try draws its values. */
    public enum Mode { LOWER, UPPER, MIXED }

    private static final int EDGE_ONE_IN = 8;
    private static final int RECORD_LIMIT = 1_500;
    private static final int RECORDED_BYTES = 24;
    private static final byte[] EDGE_BYTES = {0x00, 0x01, 0x7f, (byte) 0x80, (byte) 0xff};

    private final SplittableRandom random;
    private final Mode mode;
    private final StringBuilder drawn = new StringBuilder();
    private int depth;

    Gen(long seed, Mode mode) {
        this.random = new SplittableRandom(seed);
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /** An int in {@code [min, max]}. */
    public int ints(int min, int max) {
        return record((int) rawLong(min, max));
    }

    /** Any long. */
    public long longs() {
        return longs(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A long in {@code [min, max]}. */
    public long longs(long min, long max) {
        return record(rawLong(min, max));
    }

    public boolean bool() {
        return record(switch (mode) {
            case LOWER -> false;
            case UPPER -> true;
            case MIXED -> random.nextBoolean();
        });
    }

    /** An array of exactly {@code length} bytes. */
    public byte[] bytes(int length) {
        return bytes(length, length);
    }

    /** An array of {@code minLength..maxLength} bytes. */
    public byte[] bytes(int minLength, int maxLength) {
        requireRange(minLength, maxLength);
        if (minLength < 0) {
            throw new IllegalArgumentException("a length is not negative, got " + minLength);
        }
        byte[] out = new byte[(int) rawLong(minLength, maxLength)];
        switch (mode) {
            case LOWER -> { }
            case UPPER -> java.util.Arrays.fill(out, (byte) 0xff);
            case MIXED -> {
                if (random.nextInt(EDGE_ONE_IN) == 0) {
                    java.util.Arrays.fill(out, EDGE_BYTES[random.nextInt(EDGE_BYTES.length)]);
                } else {
                    random.nextBytes(out);
                }
            }
        }
        return record(out);
    }

    /** A string of {@code minLength..maxLength} chars, each in {@code [from, to]}. */
    public String strings(int minLength, int maxLength, char from, char to) {
        requireRange(minLength, maxLength);
        requireRange(from, to);
        int length = (int) rawLong(minLength, maxLength);
        depth++;
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) rawLong(from, to));
        }
        depth--;
        return record(s.toString());
    }

    /** A value in {@code [min, max]}. */
    public BigInteger bigIntegers(BigInteger min, BigInteger max) {
        if (min.compareTo(max) > 0) {
            throw new IllegalArgumentException("empty range " + min + ".." + max);
        }
        BigInteger span = max.subtract(min);
        BigInteger value = switch (mode) {
            case LOWER -> min;
            case UPPER -> max;
            case MIXED -> {
                if (random.nextInt(EDGE_ONE_IN) == 0) {
                    List<BigInteger> edges = new ArrayList<>(List.of(min, max));
                    for (BigInteger e : List.of(min.add(BigInteger.ONE), max.subtract(BigInteger.ONE),
                            BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE.negate())) {
                        if (e.compareTo(min) >= 0 && e.compareTo(max) <= 0) {
                            edges.add(e);
                        }
                    }
                    yield edges.get(random.nextInt(edges.size()));
                }
                BigInteger mask = BigInteger.ONE.shiftLeft(span.bitLength()).subtract(BigInteger.ONE);
                BigInteger offset;
                do {
                    byte[] bits = new byte[(span.bitLength() + 7) / 8];
                    random.nextBytes(bits);
                    offset = new BigInteger(1, bits).and(mask);
                } while (offset.compareTo(span) > 0);
                yield min.add(offset);
            }
        };
        return record(value);
    }

    /** One of {@code values}. */
    @SafeVarargs
    public final <T> T choice(T... values) {
        return choice(List.of(values));
    }

    /** One of {@code values}. */
    public <T> T choice(List<T> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to choose from");
        }
        int i = switch (mode) {
            case LOWER -> 0;
            case UPPER -> values.size() - 1;
            case MIXED -> random.nextInt(values.size());
        };
        return record(values.get(i));
    }

    /** The value of one of {@code generators}, chosen as {@link #choice} chooses. */
    @SafeVarargs
    public final <T> T oneOf(Function<Gen, ? extends T>... generators) {
        depth++;
        Function<Gen, ? extends T> chosen = choice(List.of(generators));
        depth--;
        return chosen.apply(this);
    }

    /** A list of {@code minSize..maxSize} elements, each drawn by {@code element}. */
    public <T> List<T> lists(int minSize, int maxSize, Function<Gen, ? extends T> element) {
        requireRange(minSize, maxSize);
        if (minSize < 0) {
            throw new IllegalArgumentException("a size is not negative, got " + minSize);
        }
        int size = (int) rawLong(minSize, maxSize);
        note("list(" + size + ")[");
        List<T> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(element.apply(this));
        }
        note("]");
        return out;
    }

    /**
     * Empty in a lower-edge try, present in an upper-edge try, and empty with probability 1/8 in a
     * mixed one.
     */
    public <T> Optional<T> optionals(Function<Gen, ? extends T> element) {
        boolean present = switch (mode) {
            case LOWER -> false;
            case UPPER -> true;
            case MIXED -> random.nextInt(EDGE_ONE_IN) != 0;
        };
        if (!present) {
            note("empty");
            return Optional.empty();
        }
        return Optional.of(element.apply(this));
    }

    /** What this try has drawn so far, in order. */
    @Override
    public String toString() {
        return drawn.toString();
    }

    private long rawLong(long min, long max) {
        requireRange(min, max);
        return switch (mode) {
            case LOWER -> min;
            case UPPER -> max;
            case MIXED -> random.nextInt(EDGE_ONE_IN) == 0 ? edge(min, max) : uniform(min, max);
        };
    }

    private long edge(long min, long max) {
        long[] candidates = {min, max, min + 1, max - 1, 0, 1, -1};
        long[] inRange = new long[candidates.length];
        int n = 0;
        for (int i = 0; i < candidates.length; i++) {
            long c = candidates[i];
            boolean overflowed = (i == 2 && min == Long.MAX_VALUE) || (i == 3 && max == Long.MIN_VALUE);
            if (!overflowed && c >= min && c <= max) {
                inRange[n++] = c;
            }
        }
        return inRange[random.nextInt(n)];
    }

    private long uniform(long min, long max) {
        if (max < Long.MAX_VALUE) {
            return random.nextLong(min, max + 1);
        }
        if (min > Long.MIN_VALUE) {
            return random.nextLong(min - 1, max) + 1;
        }
        return random.nextLong();
    }

    private static void requireRange(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("empty range " + min + ".." + max);
        }
    }

    private <T> T record(T value) {
        if (depth == 0) {
            note(value instanceof byte[] b ? describe(b) : String.valueOf(value));
        }
        return value;
    }

    private int record(int value) {
        if (depth == 0) {
            note(Integer.toString(value));
        }
        return value;
    }

    private long record(long value) {
        if (depth == 0) {
            note(Long.toString(value));
        }
        return value;
    }

    private boolean record(boolean value) {
        if (depth == 0) {
            note(Boolean.toString(value));
        }
        return value;
    }

    private void note(String text) {
        if (drawn.length() >= RECORD_LIMIT) {
            return;
        }
        boolean glued = text.equals("]") || (!drawn.isEmpty() && drawn.charAt(drawn.length() - 1) == '[');
        if (!drawn.isEmpty() && !glued) {
            drawn.append(", ");
        }
        drawn.append(text);
        if (drawn.length() >= RECORD_LIMIT) {
            drawn.setLength(RECORD_LIMIT);
            drawn.append(" ...");
        }
    }

    private static String describe(byte[] b) {
        String hex = HexFormat.of().formatHex(b, 0, Math.min(b.length, RECORDED_BYTES));
        return "bytes(" + b.length + ")" + (b.length == 0 ? "" : " " + hex + (b.length > RECORDED_BYTES ? "..." : ""));
    }
}
