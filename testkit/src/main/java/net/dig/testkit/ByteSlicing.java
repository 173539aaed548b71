package net.dig.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Cuts a byte array into pieces, for feeding streaming decoders the way a network would: every
 * two-way split, one byte at a time, or a seeded random multi-way split. Concatenating the pieces
 * of any split gives back the input.
 */
public final class ByteSlicing {
    private ByteSlicing() {}

    /** For each position 0..length, the pair (data[0, i), data[i, length)). */
    public static List<List<byte[]>> everyTwoWaySplit(byte[] data) {
        List<List<byte[]>> out = new ArrayList<>(data.length + 1);
        for (int i = 0; i <= data.length; i++) {
            out.add(List.of(Arrays.copyOfRange(data, 0, i), Arrays.copyOfRange(data, i, data.length)));
        }
        return out;
    }

    /** One single-byte piece per byte. */
    public static List<byte[]> byteByByte(byte[] data) {
        List<byte[]> out = new ArrayList<>(data.length);
        for (byte b : data) {
            out.add(new byte[] {b});
        }
        return out;
    }

    /**
     * Splits at {@code cuts} random positions chosen by {@code random} (duplicates allowed, so empty
     * pieces occur, as they do with real sockets).
     */
    public static List<byte[]> randomSplit(byte[] data, int cuts, RandomGenerator random) {
        int[] at = new int[cuts + 2];
        for (int i = 0; i < cuts; i++) {
            at[i] = random.nextInt(data.length + 1);
        }
        at[cuts] = 0;
        at[cuts + 1] = data.length;
        Arrays.sort(at);
        List<byte[]> out = new ArrayList<>(cuts + 1);
        for (int i = 0; i + 1 < at.length; i++) {
            out.add(Arrays.copyOfRange(data, at[i], at[i + 1]));
        }
        return out;
    }

    /** Concatenates pieces (the inverse of every split above). */
    public static byte[] join(List<byte[]> pieces) {
        int n = 0;
        for (byte[] p : pieces) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
