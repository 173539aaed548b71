package net.dig.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, the one hash of the node (docs/architecture.md §4.1). The JDK implementation uses the SHA-NI
 * intrinsic where the CPU has it.
 *
 * <p>Thread-safe: every call uses a fresh {@link MessageDigest} (a digest is cheap to create and is not
 * thread-safe to share).
 */
public final class Sha256 {
    private Sha256() {}

    /** A new, independent SHA-256 digest. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    public static Bytes32 hash(byte[] data) {
        return Bytes32.wrap(newDigest().digest(data));
    }

    public static Bytes32 hash(byte[] data, int offset, int length) {
        MessageDigest d = newDigest();
        d.update(data, offset, length);
        return Bytes32.wrap(d.digest());
    }

    /** The hash of the concatenation of {@code parts}. */
    public static Bytes32 hash(byte[]... parts) {
        MessageDigest d = newDigest();
        for (byte[] part : parts) {
            d.update(part);
        }
        return Bytes32.wrap(d.digest());
    }
}
