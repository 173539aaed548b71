package net.dig.storage;

import com.github.luben.zstd.Zstd;
import java.io.IOException;

/**
 * Per-capsule compression: zstd (level {@value #LEVEL}), kept only when it saves at least 10 %
 * (otherwise the capsule is stored plain and its codec is {@link Compression#NONE}). Stateless and
 * thread-safe.
 *
 * <p>Probe: before compressing a capsule larger than {@value #PROBE_BYTES} bytes, a sample of it is
 * compressed alone: {@value #PROBE_SLICES} slices of {@value #PROBE_SLICE} bytes spread evenly from its
 * first byte to its last. If the sample does not shrink by at least 10 %, the capsule is stored plain
 * without compressing it (already-compressed media, encrypted or random data cost one small compression
 * instead of a whole one). A capsule whose sample does not compress but whose whole would is stored
 * plain: a missed saving, never a wrong byte.
 */
final class CapsuleCodec {
    static final int LEVEL = 3;
    static final int PROBE_SLICE = 16_384;
    static final int PROBE_SLICES = 4;
    static final int PROBE_BYTES = PROBE_SLICE * PROBE_SLICES;

    private CapsuleCodec() {}

    /** The bytes to store and their codec. */
    record Encoded(byte[] bytes, int length, Compression codec) {}

    static Encoded encode(byte[] raw, int length, Compression wanted) {
        if (wanted == Compression.ZSTD && length > 0 && (length <= PROBE_BYTES || compress(sample(raw, length), PROBE_BYTES) != null)) {
            Encoded e = compress(raw, length);
            if (e != null) {
                return e;
            }
        }
        return new Encoded(raw, length, Compression.NONE);
    }

    private static byte[] sample(byte[] raw, int length) {
        byte[] sample = new byte[PROBE_BYTES];
        for (int k = 0; k < PROBE_SLICES; k++) {
            int from = (int) ((long) k * (length - PROBE_SLICE) / (PROBE_SLICES - 1));
            System.arraycopy(raw, from, sample, k * PROBE_SLICE, PROBE_SLICE);
        }
        return sample;
    }

    /** The zstd frame of the first {@code length} bytes, or null unless it saves at least 10 %. */
    private static Encoded compress(byte[] raw, int length) {
        byte[] dst = new byte[(int) Zstd.compressBound(length)];
        long n;
        try {
            n = Zstd.compressByteArray(dst, 0, dst.length, raw, 0, length, LEVEL);
        } catch (RuntimeException e) {
            return null; // keep the capsule plain
        }
        return n > 0 && !Zstd.isError(n) && n * 10 <= (long) length * 9 ? new Encoded(dst, (int) n, Compression.ZSTD) : null;
    }

    static byte[] decode(byte[] stored, Compression codec, int size) throws IOException {
        if (codec == Compression.NONE) {
            if (stored.length != size) {
                throw new IOException("a plain capsule of " + size + " bytes is stored in " + stored.length);
            }
            return stored;
        }
        byte[] out = new byte[size];
        long n;
        try {
            n = Zstd.decompressByteArray(out, 0, size, stored, 0, stored.length);
        } catch (RuntimeException e) { // zstd-jni reports some errors as ZstdException
            throw new IOException("zstd frame does not decode to " + size + " bytes: " + e.getMessage(), e);
        }
        if (Zstd.isError(n) || n != size) {
            throw new IOException("zstd frame does not decode to " + size + " bytes"
                    + (Zstd.isError(n) ? ": " + Zstd.getErrorName(n) : ""));
        }
        return out;
    }
}
