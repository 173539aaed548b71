package net.dig.gossip;

import net.dig.core.Bytes32;
import net.dig.wire.BlockPush;

/**
 * Compact block short ids, dig-gossip's variant of BIP-152: the SipHash-2-4 key is the first 16 bytes
 * of the block id (no nonce), {@code k0} and {@code k1} its two little-endian halves; the short id of a
 * transaction is the hash of its 32-byte id under that key with the top 16 bits dropped (48 bits, sent
 * as 6 little-endian bytes). The transaction id is hashed as its 32 raw bytes, without a length prefix.
 *
 * <p>Immutable; one per block.
 */
public final class ShortTxIds {
    private final long k0;
    private final long k1;

    public ShortTxIds(Bytes32 blockId) {
        byte[] id = blockId.toArray();
        this.k0 = SipHash24.littleEndian(id, 0, 8);
        this.k1 = SipHash24.littleEndian(id, 8, 8);
    }

    public long of(Bytes32 transactionId) {
        return SipHash24.hash(k0, k1, transactionId.toArray()) & BlockPush.SHORT_ID_MASK;
    }
}
