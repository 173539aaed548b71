package net.dig.gossip;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * A signed claim that {@code provider} holds the content named by {@code contentKey} until {@code expiresAtMillis}
 * (Unix milliseconds), reachable at up to {@link DhtContact#MAX_ADDRESSES} addresses.
 *
 * <p>Content keys: a datastore is {@code SHA-256(0x01 || store_id)} ({@link #storeKey}), one root of it is
 * {@code SHA-256(0x02 || store_id || root)} ({@link #rootKey}).
 *
 * <p>The signature covers {@link #signedBytes()}, big-endian:
 * <pre>
 *   offset  size  field
 *   0       4     magic "DHP1" (0x44485031)
 *   4       32    content_key
 *   36      32    provider_peer_id
 *   68      8     expires_at, Unix milliseconds, u64
 *   76      1     address count n (0..8)
 *   77      ...   n addresses, each:
 *                   1   host length L (1..253)
 *                   L   host, ASCII
 *                   2   port u16
 *                   1   kind u8
 * </pre>
 * The signature itself (at most {@link #MAX_SIGNATURE_BYTES}) is carried beside these bytes; its scheme is the
 * {@link ProviderVerifier}'s.
 */
public record ProviderRecord(Bytes32 contentKey, PeerId provider, List<DhtAddress> addresses, long expiresAtMillis,
                             byte[] signature) {
    public static final int MAGIC = 0x44485031;
    public static final int MAX_SIGNATURE_BYTES = 128;

    public ProviderRecord {
        if (contentKey == null || provider == null || signature == null) {
            throw new NullPointerException("content key, provider and signature are required");
        }
        addresses = List.copyOf(addresses);
        if (addresses.size() > DhtContact.MAX_ADDRESSES) {
            throw new IllegalArgumentException("a provider record carries at most " + DhtContact.MAX_ADDRESSES
                    + " addresses, got " + addresses.size());
        }
        if (expiresAtMillis < 0) {
            throw new IllegalArgumentException("expires_at is a u64, got " + expiresAtMillis);
        }
        if (signature.length > MAX_SIGNATURE_BYTES) {
            throw new IllegalArgumentException("a signature is at most " + MAX_SIGNATURE_BYTES + " bytes, got " + signature.length);
        }
        signature = signature.clone();
    }

    /** The record {@code signer} signs. */
    public static ProviderRecord signed(Bytes32 contentKey, PeerId provider, List<DhtAddress> addresses,
                                        long expiresAtMillis, ProviderSigner signer) {
        ProviderRecord unsigned = new ProviderRecord(contentKey, provider, addresses, expiresAtMillis, new byte[0]);
        return new ProviderRecord(contentKey, provider, addresses, expiresAtMillis, signer.sign(unsigned.signedBytes()));
    }

    /** The content key of a datastore. */
    public static Bytes32 storeKey(Bytes32 storeId) {
        return Sha256.hash(new byte[] {0x01}, storeId.toArray());
    }

    /** The content key of one root of a datastore. */
    public static Bytes32 rootKey(Bytes32 storeId, Bytes32 root) {
        return Sha256.hash(new byte[] {0x02}, storeId.toArray(), root.toArray());
    }

    /** The bytes the signature covers (layout above). */
    public byte[] signedBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(80 + addresses.size() * 24);
        ByteBuffer head = ByteBuffer.allocate(77).putInt(MAGIC);
        contentKey.writeTo(head);
        provider.value().writeTo(head);
        head.putLong(expiresAtMillis).put((byte) addresses.size());
        out.writeBytes(head.array());
        for (DhtAddress a : addresses) {
            byte[] host = a.hostBytes();
            out.write(host.length);
            out.writeBytes(host);
            out.write(a.port() >>> 8);
            out.write(a.port());
            out.write(a.kind());
        }
        return out.toByteArray();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProviderRecord r && contentKey.equals(r.contentKey) && provider.equals(r.provider)
                && addresses.equals(r.addresses) && expiresAtMillis == r.expiresAtMillis && Arrays.equals(signature, r.signature);
    }

    @Override
    public int hashCode() {
        return (contentKey.hashCode() * 31 + provider.hashCode()) * 31 + Long.hashCode(expiresAtMillis);
    }

    @Override
    public String toString() {
        return "ProviderRecord[" + contentKey + " by " + provider.shortHex() + " until " + expiresAtMillis
                + ", " + addresses.size() + " addresses, signature " + HexFormat.of().formatHex(signature) + "]";
    }
}
