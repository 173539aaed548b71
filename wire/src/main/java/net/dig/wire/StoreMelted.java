package net.dig.wire;

import java.nio.charset.StandardCharsets;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * DIG {@code STORE_MELTED} (type 221): a store's on-chain coin was melted, so peers may stop hosting it
 * (docs/formats/wire.md "Store melted (221)", docs/decisions.md D40d2).
 *
 * <pre>
 *  body   = store_id[32] ‖ u32 melt_height ‖ sender_peer_id[32] ‖ signature[96]      (164 bytes, fixed)
 *  signed = SHA-256("dig:store-melted:v1" ‖ store_id ‖ u32 melt_height)              (BLS12-381 G2, AugScheme)
 * </pre>
 * The signature only attributes the notice; the authority to delete is the melt on chain, which the
 * receiver must look up itself. The verifying BLS key is not in the body (it comes from the sender's
 * certificate), so this node decodes and relays the notice but never deletes on it. Immutable.
 */
public record StoreMelted(Bytes32 storeId, long meltHeight, Bytes32 senderPeerId, byte[] signature) {
    public static final int OPCODE = 221;
    public static final int SIZE = 32 + 4 + 32 + 96;
    private static final byte[] TAG = "dig:store-melted:v1".getBytes(StandardCharsets.US_ASCII);

    public StoreMelted {
        WireChecks.notNull("storeId", storeId);
        WireChecks.u32("meltHeight", meltHeight);
        WireChecks.notNull("senderPeerId", senderPeerId);
        if (WireChecks.notNull("signature", signature).length != 96) {
            throw new IllegalArgumentException("a BLS12-381 G2 signature is 96 bytes, not " + signature.length);
        }
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The 32 bytes the sender's BLS key signs. */
    public static Bytes32 preimage(Bytes32 storeId, long meltHeight) {
        return Sha256.hash(TAG, storeId.toArray(), new StreamableWriter(4).u32(meltHeight).toByteArray());
    }

    public byte[] encode() {
        return new StreamableWriter(SIZE).bytes32(storeId).u32(meltHeight).bytes32(senderPeerId).raw(signature).toByteArray();
    }

    /** Parses a 221 body; {@link WireException} unless it is exactly {@link #SIZE} bytes. */
    public static StoreMelted decode(byte[] body) {
        if (body.length != SIZE) {
            throw new WireException("a store-melted body is " + SIZE + " bytes, not " + body.length);
        }
        StreamableReader r = new StreamableReader(body, WireLimits.DEFAULT);
        return new StoreMelted(r.bytes32(), r.u32(), r.bytes32(), r.fixed(96, "signature"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreMelted m && java.util.Arrays.equals(encode(), m.encode());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "StoreMelted[" + storeId + " at " + meltHeight + " by " + senderPeerId + "]";
    }
}
