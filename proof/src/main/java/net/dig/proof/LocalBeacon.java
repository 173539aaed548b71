package net.dig.proof;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * A deterministic beacon for devnets and tests: {@code entropy(e) = SHA-256("DIG-BEACON-LOCAL-v1" ‖
 * seed ‖ u64 BE e)}. Anyone who knows the seed can predict every epoch, so it proves nothing on a
 * network with strangers; it exists so a devnet and its tests derive the same challenges.
 */
public final class LocalBeacon implements Beacon {
    private static final byte[] DOMAIN = "DIG-BEACON-LOCAL-v1".getBytes(StandardCharsets.US_ASCII);
    private final Bytes32 seed;

    public LocalBeacon(Bytes32 seed) {
        this.seed = seed;
    }

    @Override
    public Bytes32 entropy(long epoch) {
        return Sha256.hash(DOMAIN, seed.toArray(), ByteBuffer.allocate(8).putLong(epoch).array());
    }
}
