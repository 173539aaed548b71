package net.dig.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * DIG {@code HOLDINGS_ANNOUNCE} (type 222): a provider's signed batch of add/remove deltas saying which
 * content keys it serves and where (docs/formats/wire.md "Holdings (222)", docs/decisions.md D40d1).
 *
 * <pre>
 *  body     = u16 len ‖ provider_peer_id (64 lowercase hex chars, ASCII)
 *           ‖ u16 len ‖ provider_spki (the TLS leaf SubjectPublicKeyInfo DER, P-256)
 *           ‖ u64 seq ‖ u64 announced_at (unix seconds)
 *           ‖ u16 change_count (&lt;= 256) ‖ change*
 *           ‖ u16 len ‖ signature (ECDSA P-256 / SHA-256, ASN.1 DER)
 *  change   = 0x01 ‖ content_key[32] ‖ u16 addr_count ‖ (u16 len ‖ host UTF-8 ‖ u16 port)* ‖ u64 expires_at
 *           | 0x02 ‖ content_key[32]
 *  signed   = "dig:holdings:v1" ‖ peer_id[32] ‖ u64 seq ‖ u64 announced_at ‖ change*
 * </pre>
 * All integers big-endian. {@code peer_id = SHA-256(provider_spki)}, so the key that verifies the signature
 * is the one the peer id names: nothing else (certificate, handshake) is needed to check an announcement.
 * The signing bytes are the wire's change bytes, so signer and verifier never disagree on an encoding.
 *
 * <p>{@link #decode} checks only the framing (lengths, kinds, no trailing bytes, at most 256 changes and 32
 * addresses a change);
 * {@link #check} is the fail-closed gate: sizes first (cheap), then peer id, key and signature. Stateless
 * and immutable; the arrays handed in are copied.
 */
public record HoldingsAnnounce(String providerPeerId, byte[] providerSpki, long seq, long announcedAt,
        List<Change> changes, byte[] signature) {
    public static final int OPCODE = 222;
    public static final int MAX_CHANGES = 256;
    public static final int MAX_FRAME_BYTES = 128 * 1024;
    public static final int MAX_ADDRESSES_PER_CHANGE = 32;
    public static final int MAX_HOST_BYTES = 253;
    private static final byte[] TAG = "dig:holdings:v1".getBytes(StandardCharsets.US_ASCII);
    private static final int KIND_ADD = 0x01;
    private static final int KIND_REMOVE = 0x02;
    private static final HexFormat HEX = HexFormat.of();
    /** The DER prefix of an uncompressed P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1, 65-byte point). */
    private static final byte[] P256_SPKI_PREFIX = HEX.parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

    /** Where a provider serves a content key. */
    public record Address(String host, int port) {
        public Address {
            WireChecks.notNull("host", host);
            WireChecks.u16("port", port);
        }
    }

    /** One delta: the provider now serves a key, or no longer does. */
    public sealed interface Change permits Add, Remove {
        Bytes32 contentKey();
    }

    /** Serving {@code contentKey} at {@code addresses} until {@code expiresAt} (unix seconds). */
    public record Add(Bytes32 contentKey, List<Address> addresses, long expiresAt) implements Change {
        public Add {
            WireChecks.notNull("contentKey", contentKey);
            addresses = List.copyOf(addresses);
        }
    }

    /** No longer serving {@code contentKey}. */
    public record Remove(Bytes32 contentKey) implements Change {
        public Remove {
            WireChecks.notNull("contentKey", contentKey);
        }
    }

    /** Why {@link #check} refused an announcement; each means its deltas must not be used. */
    public enum Failure { TOO_MANY_CHANGES, TOO_LARGE, TOO_MANY_ADDRESSES, HOST_TOO_LONG, BAD_PEER_ID, PEER_ID_MISMATCH, BAD_KEY, BAD_SIGNATURE }

    public HoldingsAnnounce {
        WireChecks.notNull("providerPeerId", providerPeerId);
        providerSpki = WireChecks.notNull("providerSpki", providerSpki).clone();
        changes = List.copyOf(changes);
        signature = WireChecks.notNull("signature", signature).clone();
    }

    @Override
    public byte[] providerSpki() {
        return providerSpki.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The SHA-256 of the provider's SPKI: the TLS PeerId the announcement speaks for. */
    public static Bytes32 peerIdOf(byte[] spkiDer) {
        return Sha256.hash(spkiDer);
    }

    /** Signs {@code changes} with the TLS leaf key {@code leafKey} whose SPKI DER is {@code spkiDer}. */
    public static HoldingsAnnounce sign(PrivateKey leafKey, byte[] spkiDer, long seq, long announcedAt, List<Change> changes) {
        if (changes.size() > MAX_CHANGES) {
            throw new IllegalArgumentException(changes.size() + " changes, at most " + MAX_CHANGES + " go in one announcement");
        }
        Bytes32 peerId = peerIdOf(spkiDer);
        byte[] sig;
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(leafKey);
            s.update(signingMessage(peerId, seq, announcedAt, changes));
            sig = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign holdings with a " + leafKey.getAlgorithm() + " key", e);
        }
        HoldingsAnnounce a = new HoldingsAnnounce(HEX.formatHex(peerId.toArray()), spkiDer, seq, announcedAt, changes, sig);
        Failure sizes = a.sizeFailure();
        if (sizes != null) {
            throw new IllegalArgumentException("the announcement breaks a size bound: " + sizes);
        }
        return a;
    }

    /** The bytes the signature covers. */
    public static byte[] signingMessage(Bytes32 peerId, long seq, long announcedAt, List<Change> changes) {
        StreamableWriter w = new StreamableWriter();
        w.raw(TAG).bytes32(peerId).u64(seq).u64(announcedAt);
        writeChanges(w, changes);
        return w.toByteArray();
    }

    /** The peer id the announcement claims, if it is 64 lowercase hex characters. */
    public Bytes32 claimedPeerId() {
        if (providerPeerId.length() != 64 || !providerPeerId.equals(providerPeerId.toLowerCase(java.util.Locale.ROOT))) {
            return null;
        }
        try {
            return Bytes32.wrap(HEX.parseHex(providerPeerId));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The first failing check, or {@code null} when the announcement is well-formed, bound and signed by its key. */
    public Failure check() {
        Failure sizes = sizeFailure();
        if (sizes != null) {
            return sizes;
        }
        Bytes32 claimed = claimedPeerId();
        if (claimed == null) {
            return Failure.BAD_PEER_ID;
        }
        if (!claimed.equals(peerIdOf(providerSpki))) {
            return Failure.PEER_ID_MISMATCH;
        }
        PublicKey key = p256Key(providerSpki);
        if (key == null) {
            return Failure.BAD_KEY;
        }
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(signingMessage(claimed, seq, announcedAt, changes));
            return s.verify(signature) ? null : Failure.BAD_SIGNATURE;
        } catch (GeneralSecurityException | RuntimeException e) {
            return Failure.BAD_SIGNATURE;
        }
    }

    private Failure sizeFailure() {
        if (changes.size() > MAX_CHANGES) {
            return Failure.TOO_MANY_CHANGES;
        }
        for (Change c : changes) {
            if (c instanceof Add add) {
                if (add.addresses().size() > MAX_ADDRESSES_PER_CHANGE) {
                    return Failure.TOO_MANY_ADDRESSES;
                }
                for (Address address : add.addresses()) {
                    if (address.host().getBytes(StandardCharsets.UTF_8).length > MAX_HOST_BYTES) {
                        return Failure.HOST_TOO_LONG;
                    }
                }
            }
        }
        return encodedSize() > MAX_FRAME_BYTES ? Failure.TOO_LARGE : null;
    }

    private static PublicKey p256Key(byte[] spki) {
        if (spki.length != P256_SPKI_PREFIX.length + 65
                || !Arrays.equals(spki, 0, P256_SPKI_PREFIX.length, P256_SPKI_PREFIX, 0, P256_SPKI_PREFIX.length)) {
            return null;
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    public int encodedSize() {
        return encode().length;
    }

    public byte[] encode() {
        StreamableWriter w = new StreamableWriter();
        short16(w, providerPeerId.getBytes(StandardCharsets.UTF_8));
        short16(w, providerSpki);
        w.u64(seq).u64(announcedAt).u16(changes.size());
        writeChanges(w, changes);
        short16(w, signature);
        return w.toByteArray();
    }

    /** The message frame (no request id: an announcement is never answered). */
    public Message toMessage() {
        return Message.of(OPCODE, encode());
    }

    private static void writeChanges(StreamableWriter w, List<Change> changes) {
        for (Change c : changes) {
            switch (c) {
                case Add add -> {
                    w.u8(KIND_ADD).bytes32(add.contentKey()).u16(add.addresses().size());
                    for (Address a : add.addresses()) {
                        short16(w, a.host().getBytes(StandardCharsets.UTF_8));
                        w.u16(a.port());
                    }
                    w.u64(add.expiresAt());
                }
                case Remove remove -> w.u8(KIND_REMOVE).bytes32(remove.contentKey());
            }
        }
    }

    private static void short16(StreamableWriter w, byte[] bytes) {
        w.u16(bytes.length).raw(bytes);
    }

    /** Parses a 222 body; {@link WireException} for any truncation, unknown kind, bad UTF-8, excess changes or addresses, trailing bytes. */
    public static HoldingsAnnounce decode(byte[] body) {
        if (body.length > MAX_FRAME_BYTES) {
            throw new WireException("a holdings announcement is at most " + MAX_FRAME_BYTES + " bytes, not " + body.length);
        }
        StreamableReader r = new StreamableReader(body, WireLimits.DEFAULT);
        String peerId = utf8(r.fixed(r.u16(), "provider_peer_id"), r);
        byte[] spki = r.fixed(r.u16(), "provider_spki");
        long seq = r.u64();
        long announcedAt = r.u64();
        int count = r.u16();
        if (count > MAX_CHANGES) {
            throw new WireException(count + " changes, at most " + MAX_CHANGES, r.position());
        }
        List<Change> changes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = r.u8();
            Bytes32 key = r.bytes32();
            switch (kind) {
                case KIND_ADD -> {
                    int n = r.u16();
                    if (n > MAX_ADDRESSES_PER_CHANGE) {
                        throw new WireException(n + " addresses in one change, at most " + MAX_ADDRESSES_PER_CHANGE, r.position());
                    }
                    List<Address> addresses = new ArrayList<>(n);
                    for (int j = 0; j < n; j++) {
                        addresses.add(new Address(utf8(r.fixed(r.u16(), "host"), r), r.u16()));
                    }
                    changes.add(new Add(key, addresses, r.u64()));
                }
                case KIND_REMOVE -> changes.add(new Remove(key));
                default -> throw new WireException("unknown holdings change kind " + kind, r.position());
            }
        }
        byte[] signature = r.fixed(r.u16(), "signature");
        r.requireFullyConsumed();
        return new HoldingsAnnounce(peerId, spki, seq, announcedAt, changes, signature);
    }

    private static String utf8(byte[] bytes, StreamableReader r) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new WireException("not UTF-8", r.position());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HoldingsAnnounce h && Arrays.equals(encode(), h.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "HoldingsAnnounce[" + providerPeerId + ", seq " + seq + ", at " + announcedAt + ", " + changes.size() + " changes]";
    }
}
