package net.dig.wire;

/**
 * DIG opcode 213 (StemTransaction): a transaction in Dandelion++'s stem phase, handed to exactly one
 * peer, which either passes it on along its own stem route or fluffs it (relays it as usual).
 *
 * <pre>
 * offset  size  field
 * 0       1     version  u8 = 1
 * 1       4     length   u32 big-endian, 1..1 MiB
 * 5       n     transaction bytes
 * </pre>
 *
 * The transaction's id is the SHA-256 of its bytes ({@link RelayTransaction}). Another version, an
 * empty or oversized transaction, or trailing bytes are {@link WireException}s.
 */
public record StemTransaction(RelayTransaction transaction) implements ProtocolMessage {
    public static final int OPCODE = 213;

    public StemTransaction {
        WireChecks.notNull("transaction", transaction);
    }

    @Override
    public int messageType() {
        return OPCODE;
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.u8(BlockRelayBodies.VERSION);
        transaction.writeTo(w);
    }

    public static StemTransaction decode(StreamableReader r) {
        BlockRelayBodies.readVersion(r, "StemTransaction");
        return new StemTransaction(RelayTransaction.read(r, "StemTransaction"));
    }

    /** Decodes a whole message body. */
    public static StemTransaction decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, StemTransaction::decode);
    }
}
