package net.dig.gossip;

import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.core.Sha256;

/**
 * A peer's identity: SHA-256 of the DER SubjectPublicKeyInfo of its TLS leaf certificate (DIG's
 * definition; Chia hashes the whole certificate instead). Stable across certificate re-issue with
 * the same key. The net layer computes it from the handshake; gossip only carries it.
 *
 * <p>Text form (logs, JSON, CLI) is 64 lowercase hex digits without a prefix, as dig-gossip prints it.
 */
public record PeerId(Bytes32 value) implements Comparable<PeerId> {
    public PeerId {
        if (value == null) {
            throw new NullPointerException("peer id value is required");
        }
    }

    /** The PeerId of a certificate whose SubjectPublicKeyInfo DER encoding is {@code spkiDer}. */
    public static PeerId fromSpkiDer(byte[] spkiDer) {
        return new PeerId(Sha256.hash(spkiDer));
    }

    /** Parses 64 hex digits, with or without {@code 0x}. */
    public static PeerId parse(String hex) {
        return new PeerId(Bytes32.fromHex(hex));
    }

    public String toHex() {
        return Hex.encodePlain(value.toArray());
    }

    /** The first 8 hex digits, for log lines. */
    public String shortHex() {
        return toHex().substring(0, 8);
    }

    @Override
    public int compareTo(PeerId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
