package net.dig.gossip;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * An IP-to-AS-number table in Bitcoin Core's asmap file format ({@code -asmap}): a binary trie over the
 * 128 bits of an IPv6 address (IPv4 as {@code ::ffff:a.b.c.d}), compiled into a bit string of four
 * instructions and read by a small interpreter. Used to group peers by the network operator that routes
 * them rather than by /16 ({@link AddressGroups}).
 *
 * <h2>Format</h2>
 * The file is a bit string; bit {@code i} of byte {@code j} (least significant first) is bit
 * {@code 8j + i}. Numbers are variable-length: a list of bit widths {@code w0, w1, ...} and a minimum;
 * for each width but the last, a 1 bit means "add {@code 2^wk} and go on", a 0 bit means "read
 * {@code wk} bits (most significant first), add them and stop"; the last width has no leading bit.
 * <pre>
 *  number      minimum  widths
 *  opcode      0        0, 0, 1             RETURN=0  JUMP=1  MATCH=2  DEFAULT=3
 *  ASN         1        15, 16, ..., 24
 *  match       2        1, 2, ..., 8        highest set bit marks the length, the bits below it are the pattern
 *  jump        17       5, 6, ..., 30       bits to skip, counted from the end of the jump's own encoding
 *
 *  RETURN asn       the address maps to asn
 *  JUMP n           next address bit 0: continue; 1: skip n bits, then continue
 *  MATCH m          the next len(m) address bits must equal m's pattern, else the answer is the default
 *  DEFAULT asn      the default (initially 0, "unmapped") becomes asn for the rest of this path
 * </pre>
 * A map is accepted only if every path through it ends in a RETURN inside the file, jumps land exactly
 * where their left branch ends, no path consumes more than 128 address bits, and at most 7 zero bits of
 * padding follow the last instruction ({@link #decode} checks this once; {@link #lookup} then cannot
 * run off the end).
 *
 * <p>Concurrency: immutable, shared freely. Failure modes: a malformed file is refused with an
 * {@link IllegalArgumentException} saying where; lookups never fail (0 = unmapped).
 */
public final class Asmap {
    static final int RETURN = 0;
    static final int JUMP = 1;
    static final int MATCH = 2;
    static final int DEFAULT = 3;
    static final int[] TYPE_WIDTHS = {0, 0, 1};
    static final int[] ASN_WIDTHS = {15, 16, 17, 18, 19, 20, 21, 22, 23, 24};
    static final int[] MATCH_WIDTHS = {1, 2, 3, 4, 5, 6, 7, 8};
    static final int[] JUMP_WIDTHS = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 28, 29, 30};
    static final int ASN_MIN = 1;
    static final int MATCH_MIN = 2;
    static final int JUMP_MIN = 17;
    private static final long INVALID = -1;
    private static final int ADDRESS_BITS = 128;
    /** Larger than any real map (Bitcoin Core's are a few MiB). */
    public static final int MAX_FILE_BYTES = 64 << 20;

    private final byte[] bytes;
    private final long bitCount;

    private Asmap(byte[] bytes) {
        this.bytes = bytes;
        this.bitCount = 8L * bytes.length;
    }

    /** Parses and checks a map. */
    public static Asmap decode(byte[] file) {
        if (file.length == 0) {
            throw new IllegalArgumentException("asmap is empty");
        }
        if (file.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("asmap is larger than " + MAX_FILE_BYTES + " bytes");
        }
        Asmap map = new Asmap(file.clone());
        map.check();
        return map;
    }

    /** The AS number {@code address} maps to, 0 if the map does not cover it. */
    public long lookup(InetAddress address) {
        return lookup(addressBits(address));
    }

    long lookup(byte[] address16) {
        long[] pos = {0};
        int consumed = 0;
        long defaultAsn = 0;
        while (pos[0] < bitCount) {
            int opcode = (int) number(pos, 0, TYPE_WIDTHS);
            switch (opcode) {
                case RETURN -> {
                    return number(pos, ASN_MIN, ASN_WIDTHS);
                }
                case JUMP -> {
                    long jump = number(pos, JUMP_MIN, JUMP_WIDTHS);
                    if (addressBit(address16, consumed++)) {
                        pos[0] += jump;
                    }
                }
                case MATCH -> {
                    long match = number(pos, MATCH_MIN, MATCH_WIDTHS);
                    int length = 63 - Long.numberOfLeadingZeros(match);
                    for (int i = 0; i < length; i++) {
                        boolean expected = ((match >>> (length - 1 - i)) & 1) != 0;
                        if (addressBit(address16, consumed++) != expected) {
                            return defaultAsn;
                        }
                    }
                }
                default -> defaultAsn = number(pos, ASN_MIN, ASN_WIDTHS);
            }
        }
        throw new IllegalStateException("checked asmap ran off its end");
    }

    /** The file's bytes, for a checksum or a copy. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The 16 address bytes the trie is walked over: IPv6 as is, IPv4 as {@code ::ffff:a.b.c.d}. */
    static byte[] addressBits(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(raw, 0, mapped, 12, 4);
            return mapped;
        }
        return raw;
    }

    private static boolean addressBit(byte[] address16, int index) {
        return ((address16[index >>> 3] >>> (7 - (index & 7))) & 1) != 0;
    }

    private boolean bit(long index) {
        return ((bytes[(int) (index >>> 3)] >>> (index & 7)) & 1) != 0;
    }

    /** Reads one variable-length number at {@code pos[0]}, advancing it; {@link #INVALID} past the end. */
    private long number(long[] pos, long minimum, int[] widths) {
        long value = minimum;
        for (int k = 0; k < widths.length; k++) {
            boolean more = false;
            if (k + 1 < widths.length) {
                if (pos[0] >= bitCount) {
                    return INVALID;
                }
                more = bit(pos[0]++);
            }
            if (more) {
                value += 1L << widths[k];
                continue;
            }
            if (pos[0] + widths[k] > bitCount) {
                return INVALID;
            }
            long read = 0;
            for (int b = 0; b < widths[k]; b++) {
                read = (read << 1) | (bit(pos[0]++) ? 1 : 0);
            }
            return value + read;
        }
        return INVALID;
    }

    /** Walks every path once (depth first, right branches deferred on a stack). */
    private void check() {
        record Pending(long target, int consumed) {}
        Deque<Pending> pending = new ArrayDeque<>();
        long[] pos = {0};
        int consumed = 0;
        int previous = -1;
        while (true) {
            if (pos[0] >= bitCount) {
                throw malformed(pos[0], "a path ends without RETURN");
            }
            long at = pos[0];
            int opcode = (int) number(pos, 0, TYPE_WIDTHS);
            if (opcode == INVALID) {
                throw malformed(at, "truncated opcode");
            }
            switch (opcode) {
                case RETURN -> {
                    if (previous == DEFAULT) {
                        throw malformed(at, "RETURN right after DEFAULT");
                    }
                    requireValid(number(pos, ASN_MIN, ASN_WIDTHS), at, "ASN");
                    if (pending.isEmpty()) {
                        checkPadding(pos[0]);
                        return;
                    }
                    Pending next = pending.pop();
                    if (next.target() != pos[0]) {
                        throw malformed(at, "a jump target does not follow its left branch (expected bit "
                                + pos[0] + ", jump goes to " + next.target() + ")");
                    }
                    consumed = next.consumed();
                    previous = -1;
                    continue;
                }
                case JUMP -> {
                    long jump = requireValid(number(pos, JUMP_MIN, JUMP_WIDTHS), at, "jump");
                    long target = pos[0] + jump;
                    if (target > bitCount || (!pending.isEmpty() && target >= pending.peek().target())) {
                        throw malformed(at, "jump out of its enclosing branch");
                    }
                    if (consumed >= ADDRESS_BITS) {
                        throw malformed(at, "jump past the 128th address bit");
                    }
                    consumed++;
                    pending.push(new Pending(target, consumed));
                }
                case MATCH -> {
                    long match = requireValid(number(pos, MATCH_MIN, MATCH_WIDTHS), at, "match");
                    consumed += 63 - Long.numberOfLeadingZeros(match);
                    if (consumed > ADDRESS_BITS) {
                        throw malformed(at, "match past the 128th address bit");
                    }
                }
                default -> {
                    if (previous == DEFAULT) {
                        throw malformed(at, "two DEFAULTs in a row");
                    }
                    requireValid(number(pos, ASN_MIN, ASN_WIDTHS), at, "ASN");
                }
            }
            previous = opcode;
        }
    }

    private void checkPadding(long end) {
        if (bitCount - end > 7) {
            throw malformed(end, (bitCount - end) + " bits after the last instruction");
        }
        for (long i = end; i < bitCount; i++) {
            if (bit(i)) {
                throw malformed(i, "non-zero padding");
            }
        }
    }

    private long requireValid(long value, long at, String what) {
        if (value == INVALID) {
            throw malformed(at, "truncated " + what);
        }
        return value;
    }

    private static IllegalArgumentException malformed(long bit, String why) {
        return new IllegalArgumentException("malformed asmap at bit " + bit + ": " + why);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Asmap m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
