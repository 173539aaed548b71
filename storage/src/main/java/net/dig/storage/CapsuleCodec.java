package net.dig.storage;

import com.github.luben.zstd.Zstd;
import java.io.IOException;

/**
 * Per-capsule compression: zstd (level {@value #LEVEL}), kept only when it saves at least 10 %
 * (otherwise the capsule is stored plain and its codec is {@link Compression#NONE}). Stateless and
 * thread-safe.
 */
final class CapsuleCodec {
    static final int LEVEL = 3;

    private CapsuleCodec() {}

    /** The bytes to store and their codec. */
    record Encoded(byte[] bytes, int length, Compression codec) {}

    static Encoded encode(byte[] raw, int length, Compression wanted) {
        if (wanted == Compression.ZSTD && length > 0) {
            byte[] dst = new byte[(int) Zstd.compressBound(length)];
            long n;
            try {
                n = Zstd.compressByteArray(dst, 0, dst.length, raw, 0, length, LEVEL);
            } catch (RuntimeException e) {
                n = -1; // keep the capsule plain
            }
            if (n > 0 && !Zstd.isError(n) && n * 10 <= (long) length * 9) {
                return new Encoded(dst, (int) n, Compression.ZSTD);
            }
        }
        return new Encoded(raw, length, Compression.NONE);
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
