package net.dig.proof;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;

/**
 * The answer to a {@link Challenge}: ownership, inclusion, physical access and work in one signed,
 * versioned byte string. Layout (big-endian; version 1):
 * <pre>
 * +--------+----+----------+--------------+---------+------------+
 * | "DIGB" | 01 | u8 parts | challenge_id | plot_id | prover_key |
 * | 4 B    | u8 | bit set  | 32 B         | 32 B    | 32 B       |
 * +--------+----+----------+--------------+---------+------------+
 * | if parts &amp; 0x01 (inclusion):       u8 S ‖ S × ChunkRead     |
 * | if parts &amp; 0x02 (physical access): u8 K ‖ K × ChunkRead     |
 * | if parts &amp; 0x04 (work):            WorkProof                |
 * +---------------------------------------------------------------+
 * | signature (64 B): Ed25519 by prover_key over                  |
 * |   "DIG-PROOF-BUNDLE-v1" ‖ every byte before the signature     |
 * +---------------------------------------------------------------+
 * </pre>
 * {@link ChunkRead} and {@link WorkProof} draw their own layouts. Ownership is the signature: it binds
 * the node key to the challenge id and the plot id of the challenge's anchor capsule (and to every
 * other byte). No field carries a time: the verifier measures time itself ({@link BundleVerifier}).
 *
 * <p>Immutable. {@link #decode} rejects malformed bytes with {@link IllegalArgumentException}.
 */
public record ProofBundle(ProofParts parts, Bytes32 challengeId, Bytes32 plotId, Bytes32 proverKey,
        List<ChunkRead> inclusion, List<ChunkRead> access, WorkProof work, byte[] signature) {
    public static final byte[] MAGIC = {'D', 'I', 'G', 'B'};
    public static final int VERSION = 1;
    static final byte[] SIGNING_DOMAIN = "DIG-PROOF-BUNDLE-v1".getBytes(StandardCharsets.US_ASCII);
    static final int SIGNATURE = 64;

    public ProofBundle {
        Objects.requireNonNull(parts, "parts");
        inclusion = List.copyOf(inclusion);
        access = List.copyOf(access);
        signature = signature.clone();
        if (parts.inclusion() == inclusion.isEmpty() || parts.access() == access.isEmpty() || parts.work() == (work == null)) {
            throw new IllegalArgumentException("the parts bit set does not match the parts present");
        }
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Signs the parts with {@code identity}. */
    static ProofBundle sign(ProofParts parts, Bytes32 challengeId, Bytes32 plotId, List<ChunkRead> inclusion,
            List<ChunkRead> access, WorkProof work, NodeIdentity identity) {
        Bytes32 key = Bytes32.wrap(identity.publicKey());
        ProofBundle unsigned = new ProofBundle(parts, challengeId, plotId, key, inclusion, access, work, new byte[SIGNATURE]);
        return new ProofBundle(parts, challengeId, plotId, key, inclusion, access, work,
                identity.sign(signingBytes(unsigned.body())));
    }

    static byte[] signingBytes(byte[] body) {
        return signingBytes(body, body.length);
    }

    /** The signed bytes of a bundle whose body is {@code bytes[0, bodyLength)}: the domain, then the body. */
    static byte[] signingBytes(byte[] bytes, int bodyLength) {
        byte[] m = Arrays.copyOf(SIGNING_DOMAIN, SIGNING_DOMAIN.length + bodyLength);
        System.arraycopy(bytes, 0, m, SIGNING_DOMAIN.length, bodyLength);
        return m;
    }

    /** Every byte before the signature. */
    byte[] body() {
        int n = 4 + 1 + 1 + 96;
        if (parts.inclusion()) {
            n += 1 + inclusion.stream().mapToInt(ChunkRead::encodedLength).sum();
        }
        if (parts.access()) {
            n += 1 + access.stream().mapToInt(ChunkRead::encodedLength).sum();
        }
        if (parts.work()) {
            n += work.encodedLength();
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        b.put(MAGIC).put((byte) VERSION).put((byte) parts.bits());
        challengeId.writeTo(b);
        plotId.writeTo(b);
        proverKey.writeTo(b);
        if (parts.inclusion()) {
            writeReads(b, inclusion);
        }
        if (parts.access()) {
            writeReads(b, access);
        }
        if (parts.work()) {
            work.writeTo(b);
        }
        return b.array();
    }

    private static void writeReads(ByteBuffer b, List<ChunkRead> reads) {
        b.put((byte) reads.size());
        for (ChunkRead r : reads) {
            r.writeTo(b);
        }
    }

    public byte[] encode() {
        byte[] body = body();
        byte[] out = Arrays.copyOf(body, body.length + SIGNATURE);
        System.arraycopy(signature, 0, out, body.length, SIGNATURE);
        return out;
    }

    /** Whether {@code bytes} start like a bundle of a version this code reads (magic then version). */
    static boolean supportedVersion(byte[] bytes) {
        return bytes.length >= 5 && Arrays.equals(bytes, 0, 4, MAGIC, 0, 4) && bytes[4] == VERSION;
    }

    /** Parses {@link #encode()}'s form; {@link IllegalArgumentException} naming the problem if malformed. */
    public static ProofBundle decode(byte[] bytes) {
        if (!supportedVersion(bytes)) {
            throw new IllegalArgumentException("not a DIGB version " + VERSION + " proof bundle");
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            b.position(5);
            ProofParts parts = ProofParts.ofBits(b.get() & 0xff);
            if (parts == null) {
                throw new IllegalArgumentException("unknown proof part bits");
            }
            Bytes32 challenge = Bytes32.read(b);
            Bytes32 plot = Bytes32.read(b);
            Bytes32 key = Bytes32.read(b);
            List<ChunkRead> inclusion = parts.inclusion() ? readReads(b) : List.of();
            List<ChunkRead> access = parts.access() ? readReads(b) : List.of();
            WorkProof work = parts.work() ? WorkProof.readFrom(b) : null;
            byte[] sig = new byte[SIGNATURE];
            b.get(sig);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " trailing bytes after the signature");
            }
            return new ProofBundle(parts, challenge, plot, key, inclusion, access, work, sig);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("proof bundle is truncated");
        } catch (net.dig.core.MalformedProofException e) {
            throw new IllegalArgumentException("malformed Merkle proof in bundle: " + e.getMessage());
        }
    }

    private static List<ChunkRead> readReads(ByteBuffer b) {
        int n = b.get() & 0xff;
        if (n == 0) {
            throw new IllegalArgumentException("a present part holds at least one read");
        }
        List<ChunkRead> reads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            reads.add(ChunkRead.readFrom(b));
        }
        return reads;
    }
}
