package net.dig.wire;

import java.util.Arrays;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * A transaction as block relay and Dandelion++ carry it: opaque bytes whose id is their SHA-256.
 * What the bytes mean (a Chia spend bundle, a DIG checkpoint submission) is the consumer's; relay
 * only needs a stable id to deduplicate, to derive short ids from and to check a reconstruction.
 *
 * <p>On the wire: {@code bytes} with a u32 big-endian length prefix, at most {@value #MAX_BYTES} bytes.
 * Immutable; the id is computed once.
 */
public final class RelayTransaction {
    /** Longest transaction relayed. */
    public static final int MAX_BYTES = 1 << 20;

    private final byte[] bytes;
    private final Bytes32 id;

    public RelayTransaction(byte[] bytes) {
        WireChecks.notNull("bytes", bytes);
        if (bytes.length == 0 || bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("a transaction holds 1.." + MAX_BYTES + " bytes, not " + bytes.length);
        }
        this.bytes = bytes.clone();
        this.id = Sha256.hash(this.bytes);
    }

    public Bytes32 id() {
        return id;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    /** Bytes this transaction takes on the wire (length prefix included). */
    public int encodedSize() {
        return 4 + bytes.length;
    }

    void writeTo(StreamableWriter w) {
        w.bytes(bytes);
    }

    static RelayTransaction read(StreamableReader r, String body) {
        int at = r.position();
        byte[] b = r.bytes(MAX_BYTES);
        if (b.length == 0) {
            throw new WireException(body + ": empty transaction", at);
        }
        return new RelayTransaction(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelayTransaction t && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "RelayTransaction[" + id.toHex().substring(0, 16) + ", " + bytes.length + " B]";
    }
}
