package net.dig.gossip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import net.dig.core.Bytes32;

/**
 * ERLAY's 32-bit short transaction ids for one connection, as BIP-330 defines them.
 *
 * <p>{@code h = TaggedHash("Tx Relay Salting", min(salt_a, salt_b) || max(salt_a, salt_b))} with each salt a
 * u64 little-endian and the BIP-340 tagged hash {@code SHA-256(SHA-256(tag) || SHA-256(tag) || m)};
 * {@code k0, k1} are h's first and second 8 bytes read little-endian; the short id of a transaction id is
 * {@code 1 + (SipHash-2-4(k0, k1, id) mod 0xFFFFFFFF)}, never zero, as PinSketch needs. Salts are drawn by
 * each side per connection, so an outsider cannot precompute colliding ids for a link.
 *
 * <p>Immutable and thread-safe.
 */
public final class SaltedShortIds {
    private static final byte[] TAG = "Tx Relay Salting".getBytes(StandardCharsets.US_ASCII);
    private final long k0;
    private final long k1;

    private SaltedShortIds(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    public static SaltedShortIds forSalts(long saltA, long saltB) {
        long low = Long.compareUnsigned(saltA, saltB) <= 0 ? saltA : saltB;
        long high = low == saltA ? saltB : saltA;
        byte[] h = taggedHash(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(low).putLong(high).array());
        ByteBuffer keys = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        return new SaltedShortIds(keys.getLong(0), keys.getLong(8));
    }

    /** The short id of {@code transactionId} on this connection, in {@code 1 .. 2^32 - 1}. */
    public int of(Bytes32 transactionId) {
        long s = SipHash24.hash(k0, k1, transactionId.toArray());
        return (int) (1 + Long.remainderUnsigned(s, 0xFFFF_FFFFL));
    }

    private static byte[] taggedHash(byte[] message) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] tagHash = sha.digest(TAG);
            sha.update(tagHash);
            sha.update(tagHash);
            return sha.digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
