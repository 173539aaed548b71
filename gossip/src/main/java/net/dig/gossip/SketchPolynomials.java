package net.dig.gossip;

import java.util.Arrays;

/**
 * Polynomials over GF(2^32) for PinSketch decoding: Berlekamp-Massey and root finding.
 *
 * <p>A polynomial is an {@code int[]} of coefficients, lowest degree first, trimmed so the last entry is
 * non-zero (the zero polynomial is the empty array). Root finding is Berlekamp's trace algorithm: for a
 * square-free {@code f} that splits into linear factors, {@code gcd(f, Tr(beta x) mod f)} with
 * {@code Tr(y) = y + y^2 + y^4 + ... + y^(2^31)} collects the roots {@code r} with {@code Tr(beta r) = 0};
 * the candidates {@code beta = x^0 .. x^31} (the field's basis) always separate two distinct roots, since
 * the trace form is non-degenerate, so the splitting is deterministic and needs no randomness.
 *
 * <p>Pure, stateless, thread-safe. Cost is quadratic in the degree per squaring; callers cap the degree
 * (the sketch capacity) before calling.
 */
final class SketchPolynomials {
    private static final int[] ZERO = new int[0];

    private SketchPolynomials() {}

    /**
     * The shortest LFSR generating {@code s}: its connection polynomial {@code C(x) = 1 + c1 x + ... }
     * with {@code s[n] = sum c_i s[n-i]}, and its length {@code L} (which may exceed deg C).
     */
    record Lfsr(int[] connection, int length) {}

    static Lfsr berlekampMassey(int[] s) {
        int[] c = new int[s.length + 1];
        int[] b = new int[s.length + 1];
        c[0] = 1;
        b[0] = 1;
        int length = 0;
        int shift = 1;
        int lastDiscrepancy = 1;
        for (int n = 0; n < s.length; n++) {
            int d = s[n];
            for (int i = 1; i <= length; i++) {
                d ^= Gf2p32.mul(c[i], s[n - i]);
            }
            if (d == 0) {
                shift++;
                continue;
            }
            int factor = Gf2p32.mul(d, Gf2p32.inverse(lastDiscrepancy));
            if (2 * length <= n) {
                int[] previous = c.clone();
                addScaledShifted(c, b, factor, shift);
                length = n + 1 - length;
                b = previous;
                lastDiscrepancy = d;
                shift = 1;
            } else {
                addScaledShifted(c, b, factor, shift);
                shift++;
            }
        }
        return new Lfsr(trim(c), length);
    }

    private static void addScaledShifted(int[] target, int[] source, int factor, int shift) {
        for (int i = 0; i + shift < target.length; i++) {
            if (source[i] != 0) {
                target[i + shift] ^= Gf2p32.mul(factor, source[i]);
            }
        }
    }

    /**
     * All roots of {@code f} if it has exactly deg f distinct roots in GF(2^32), in ascending unsigned order;
     * {@code null} otherwise (repeated roots or an irreducible factor of degree above one).
     */
    static int[] distinctRoots(int[] f) {
        int degree = f.length - 1;
        if (degree < 1) {
            return degree == 0 ? new int[0] : null;
        }
        int[] monic = monic(f);
        if (!splitsIntoDistinctRoots(monic)) {
            return null;
        }
        int[] roots = new int[degree];
        int found = collectRoots(monic, roots, 0);
        if (found != degree) {
            return null;
        }
        int[] sorted = Arrays.stream(roots).mapToLong(Integer::toUnsignedLong).sorted().mapToInt(v -> (int) v).toArray();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return null;
            }
        }
        return sorted;
    }

    /**
     * {@code x^(2^i) mod f} for {@code i = 0..32}: the Frobenius images of x, from which both the splitting
     * test and every trace polynomial are linear combinations.
     */
    private static int[][] frobeniusChain(int[] f) {
        int[][] chain = new int[33][];
        chain[0] = remainder(new int[] {0, 1}, f);
        for (int i = 1; i <= 32; i++) {
            chain[i] = squareMod(chain[i - 1], f);
        }
        return chain;
    }

    /** {@code x^(2^32) == x (mod f)}: f divides the product of all {@code (x - a)}, so its roots are distinct and in the field. */
    private static boolean splitsIntoDistinctRoots(int[] f) {
        return f.length == 2 || Arrays.equals(frobeniusChain(f)[32], new int[] {0, 1});
    }

    private static int collectRoots(int[] f, int[] out, int at) {
        return collectRoots(f, frobeniusChain(f), out, at);
    }

    private static int collectRoots(int[] f, int[][] chain, int[] out, int at) {
        int degree = f.length - 1;
        if (degree == 1) {
            out[at] = f[0];
            return at + 1;
        }
        for (int j = 0; j < 32; j++) {
            int[] g = gcd(f, traceMod(1 << j, chain, degree));
            int gDegree = g.length - 1;
            if (gDegree > 0 && gDegree < degree) {
                int[] low = monic(g);
                int[] high = monic(divideExact(f, g));
                int next = collectRoots(low, reduceChain(chain, low), out, at);
                return collectRoots(high, reduceChain(chain, high), out, next);
            }
        }
        return at;
    }

    /** The chain of f reduced modulo a factor g of f is the chain of g. */
    private static int[][] reduceChain(int[][] chain, int[] g) {
        int[][] reduced = new int[chain.length][];
        for (int i = 0; i < chain.length; i++) {
            reduced[i] = remainder(chain[i], g);
        }
        return reduced;
    }

    /** {@code Tr(beta x) mod f = sum over i < 32 of beta^(2^i) (x^(2^i) mod f)}. */
    private static int[] traceMod(int beta, int[][] chain, int degree) {
        int[] sum = new int[degree];
        int b = beta;
        for (int i = 0; i < 32; i++) {
            int[] term = chain[i];
            for (int k = 0; k < term.length; k++) {
                sum[k] ^= Gf2p32.mul(b, term[k]);
            }
            b = Gf2p32.square(b);
        }
        return trim(sum);
    }

    private static int[] squareMod(int[] a, int[] f) {
        if (a.length == 0) {
            return ZERO;
        }
        int[] sq = new int[2 * a.length - 1];
        for (int i = 0; i < a.length; i++) {
            sq[2 * i] = Gf2p32.square(a[i]);
        }
        return remainder(sq, f);
    }

    /** {@code a mod f} for monic {@code f}. */
    private static int[] remainder(int[] a, int[] f) {
        int[] r = a.clone();
        int fDegree = f.length - 1;
        int leading = f[fDegree];
        int leadingInverse = leading == 1 ? 1 : Gf2p32.inverse(leading);
        for (int top = r.length - 1; top >= fDegree; top--) {
            int coefficient = r[top];
            if (coefficient == 0) {
                continue;
            }
            int factor = Gf2p32.mul(coefficient, leadingInverse);
            int offset = top - fDegree;
            for (int i = 0; i <= fDegree; i++) {
                r[offset + i] ^= Gf2p32.mul(factor, f[i]);
            }
        }
        return trim(Arrays.copyOf(r, Math.min(r.length, fDegree)));
    }

    private static int[] gcd(int[] a, int[] b) {
        while (b.length > 0) {
            int[] r = remainder(a, b);
            a = b;
            b = r;
        }
        return a;
    }

    /** {@code a / b} where b divides a exactly. */
    private static int[] divideExact(int[] a, int[] b) {
        int[] r = a.clone();
        int bDegree = b.length - 1;
        int leadingInverse = Gf2p32.inverse(b[bDegree]);
        int[] q = new int[a.length - bDegree];
        for (int top = r.length - 1; top >= bDegree; top--) {
            int factor = Gf2p32.mul(r[top], leadingInverse);
            q[top - bDegree] = factor;
            if (factor == 0) {
                continue;
            }
            int offset = top - bDegree;
            for (int i = 0; i <= bDegree; i++) {
                r[offset + i] ^= Gf2p32.mul(factor, b[i]);
            }
        }
        return trim(q);
    }

    private static int[] monic(int[] f) {
        int leading = f[f.length - 1];
        if (leading == 1) {
            return f;
        }
        int inverse = Gf2p32.inverse(leading);
        int[] m = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            m[i] = Gf2p32.mul(f[i], inverse);
        }
        return m;
    }

    static int[] trim(int[] a) {
        int n = a.length;
        while (n > 0 && a[n - 1] == 0) {
            n--;
        }
        return n == a.length ? a : Arrays.copyOf(a, n);
    }
}
