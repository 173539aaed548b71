package net.dig.proptest;

import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Runs a property: a body that draws its inputs from a {@link Gen} and throws when they break it,
 * a given number of tries, each from its own seed.
 *
 * <p>Seeds: a run has one base seed; try {@code i} draws from {@link #trySeed(long, int)}, a mix of
 * the base seed and {@code i}. Try 0 is the {@linkplain Gen.Mode#LOWER lower-edge} try, try 1 the
 * {@linkplain Gen.Mode#UPPER upper-edge} try, the others are {@linkplain Gen.Mode#MIXED mixed}.
 * The base seed is random for each run unless one is given:
 * <ul>
 *   <li>{@code -Ddig.seed=B} ({@link #SEED_PROPERTY}) runs every property in the JVM from base seed
 *       {@code B}: the same tries in the same order, so a failed run fails again on the same try;</li>
 *   <li>{@code -Ddig.trySeed=S} ({@link #TRY_SEED_PROPERTY}) runs one mixed try from seed {@code S}
 *       instead of the whole run, to replay a failed try alone;</li>
 *   <li>{@link #seed(long)} fixes the base seed in code and ignores both properties.</li>
 * </ul>
 * Pair either property with {@code -Dtest='Class#method'} so that it reaches one property only.
 *
 * <p>Failure: the first try whose body throws ends the run with an {@link AssertionError} that names
 * the try, the base seed, the try's seed, what the try drew and the flags that replay it, with the
 * body's error as its cause. There is no shrinking: the values reported are the ones that failed.
 *
 * <p>Runs on the calling thread; a runner is immutable and may be shared.
 */
public final class PropertyRunner {
    public static final String SEED_PROPERTY = "dig.seed";
    public static final String TRY_SEED_PROPERTY = "dig.trySeed";

    /** A property's body: draws from {@code gen} and throws if the drawn values break the property. */
    @FunctionalInterface
    public interface Body {
        void check(Gen gen) throws Exception;
    }

    private final int tries;
    private final OptionalLong seed;

    private PropertyRunner(int tries, OptionalLong seed) {
        if (tries < 1) {
            throw new IllegalArgumentException("a property runs at least one try, got " + tries);
        }
        this.tries = tries;
        this.seed = seed;
    }

    /** A runner of {@code tries} tries whose base seed comes from the system properties or chance. */
    public static PropertyRunner tries(int tries) {
        return new PropertyRunner(tries, OptionalLong.empty());
    }

    /** This runner with a fixed base seed; {@code dig.seed} and {@code dig.trySeed} are ignored. */
    public PropertyRunner seed(long baseSeed) {
        return new PropertyRunner(tries, OptionalLong.of(baseSeed));
    }

    /** Runs the tries; throws {@link AssertionError} on the first failing one. */
    public void check(Body body) {
        String where = caller();
        OptionalLong single = seed.isPresent() ? OptionalLong.empty() : longProperty(TRY_SEED_PROPERTY);
        if (single.isPresent()) {
            runTry(body, new Gen(single.getAsLong(), Gen.Mode.MIXED), where,
                    "the try from -D" + TRY_SEED_PROPERTY + "=" + single.getAsLong(), single.getAsLong(), OptionalLong.empty());
            return;
        }
        long base = seed.orElseGet(() -> longProperty(SEED_PROPERTY).orElseGet(() -> new SplittableRandom().nextLong()));
        for (int i = 0; i < tries; i++) {
            long trySeed = trySeed(base, i);
            Gen.Mode mode = i == 0 ? Gen.Mode.LOWER : i == 1 ? Gen.Mode.UPPER : Gen.Mode.MIXED;
            runTry(body, new Gen(trySeed, mode), where, "try " + i + " of " + tries, trySeed, OptionalLong.of(base));
        }
    }

    /** The seed of try {@code index} of a run with base seed {@code base} (SplitMix64's finaliser). */
    public static long trySeed(long base, int index) {
        long z = base + (index + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void runTry(Body body, Gen gen, String where, String which, long trySeed, OptionalLong base) {
        try {
            body.check(gen);
        } catch (Throwable failure) {
            throw new AssertionError(report(gen, where, which, trySeed, base, failure), failure);
        }
    }

    private static String report(Gen gen, String where, String which, long trySeed, OptionalLong base, Throwable failure) {
        String test = "-Dtest='" + where + "'";
        StringBuilder s = new StringBuilder("property failed on ").append(which);
        base.ifPresent(b -> s.append(": base seed ").append(b).append(", try seed ").append(trySeed));
        s.append(switch (gen.mode()) {
            case LOWER -> " (the lower-edge try: every value at its lower bound)";
            case UPPER -> " (the upper-edge try: every value at its upper bound)";
            case MIXED -> "";
        });
        s.append("\n  drawn: ").append(gen);
        if (gen.mode() == Gen.Mode.MIXED) {
            s.append("\n  replay this try: ").append(test).append(" -D").append(TRY_SEED_PROPERTY).append('=').append(trySeed);
        }
        base.ifPresent(b -> s.append("\n  replay the run: ").append(test).append(" -D").append(SEED_PROPERTY).append('=').append(b));
        s.append("\n  failure: ").append(failure);
        return s.toString();
    }

    private static OptionalLong longProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be a long, got '" + value + "'", e);
        }
    }

    /** {@code Class#method} of the test that called {@link #check}, for the replay flags. */
    private static String caller() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(PropertyRunner.class.getName()))
                .findFirst()
                .map(f -> {
                    String cls = f.getClassName();
                    String simple = cls.substring(cls.lastIndexOf('.') + 1);
                    int nested = simple.indexOf('$');
                    String method = f.getMethodName();
                    if (method.startsWith("lambda$")) {
                        int end = method.indexOf('$', "lambda$".length());
                        method = method.substring("lambda$".length(), end < 0 ? method.length() : end);
                    }
                    return (nested < 0 ? simple : simple.substring(0, nested)) + "#" + method;
                })
                .orElse("?"));
    }
}
