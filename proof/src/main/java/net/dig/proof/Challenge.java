package net.dig.proof;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * A storage challenge derived from public entropy, so neither the prover nor a validator picks it.
 *
 * <h2>Derivation (version 1)</h2>
 * The challenge id (the nonce every part is bound to) is {@code SHA-256("DIG-CHALLENGE-v1" ‖ preimage)}
 * with this preimage ({@link #preimage()}, big-endian):
 * <pre>
 * +----+-----------+---------+--------------+------------+-------+----+----+------------+
 * | 01 | u64 epoch | entropy | datastore_id | prover_key | parts | S  | K  | difficulty |
 * | u8 |           | 32 B    | 32 B         | 32 B       | u8    | u8 | u8 | u8         |
 * +----+-----------+---------+--------------+------------+-------+----+----+------------+
 * | u32 capsule_count | u32 H | H × (u32 capsule_index ‖ u64 size)  (the scope)         |
 * +-------------------+-------+-----------------------------------------------------------+
 * </pre>
 * {@code entropy} is {@link Beacon#entropy} of {@code epoch}; {@code prover_key} the prover's Ed25519
 * key, so two nodes never get the same challenge and one cannot answer for another.
 *
 * <p>Positions are whole-number draws over the scope's {@code N = totalChunks()} chunks ({@link #draw}):
 * {@code v = u64 BE of SHA-256(label ‖ key ‖ u32 i ‖ u32 attempt)[0..8)}, accepted when
 * {@code v < 2^64 − (2^64 mod N)} (rejection sampling, so every chunk is equally likely), position
 * {@code v mod N}; otherwise the next attempt. No floating point anywhere.
 * <ul>
 *   <li>inclusion: {@code S' = min(S, N)} distinct positions, label {@code "DIG-INCLUSION-v1"}, key the
 *       challenge id, draw {@code i}; a repeat moves to the next attempt;</li>
 *   <li>physical access: read 0 at draw 0 of label {@code "DIG-ACCESS-v1"} keyed by the challenge id;
 *       read {@code i+1} at draw {@code i+1} keyed by {@code link_i = SHA-256("DIG-ACCESS-LINK-v1" ‖
 *       challenge_id ‖ u32 i ‖ chunk bytes of read i)}, so read {@code i+1} cannot start before read
 *       {@code i} returned;</li>
 *   <li>anchor capsule (ownership's plot and the work puzzle): held capsule number draw 0 of label
 *       {@code "DIG-ANCHOR-v1"} over the {@code H} held capsules.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class Challenge {
    public static final int VERSION = 1;
    /** Highest accepted difficulty: at 2^32 expected hashes a challenge is no longer answerable in time. */
    public static final int MAX_DIFFICULTY = 32;

    private static final byte[] ID_DOMAIN = ascii("DIG-CHALLENGE-v1");
    private static final byte[] INCLUSION = ascii("DIG-INCLUSION-v1");
    private static final byte[] ACCESS = ascii("DIG-ACCESS-v1");
    private static final byte[] ACCESS_LINK = ascii("DIG-ACCESS-LINK-v1");
    private static final byte[] ANCHOR = ascii("DIG-ANCHOR-v1");

    private final long epoch;
    private final Bytes32 entropy;
    private final ChallengeScope scope;
    private final Bytes32 proverKey;
    private final ProofParts parts;
    private final int samples;
    private final int accessReads;
    private final int difficulty;
    private final Bytes32 id;
    private final List<ChunkPosition> inclusion;

    private Challenge(long epoch, Bytes32 entropy, ChallengeScope scope, Bytes32 proverKey, ProofParts parts,
            int samples, int accessReads, int difficulty) {
        this.epoch = epoch;
        this.entropy = Objects.requireNonNull(entropy, "entropy");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.proverKey = Objects.requireNonNull(proverKey, "proverKey");
        this.parts = Objects.requireNonNull(parts, "parts");
        if (samples < 1 || samples > 255 || accessReads < 1 || accessReads > 255) {
            throw new IllegalArgumentException("samples and access reads must be 1..255");
        }
        if (difficulty < 0 || difficulty > MAX_DIFFICULTY) {
            throw new IllegalArgumentException("difficulty must be 0.." + MAX_DIFFICULTY + " bits, got " + difficulty);
        }
        this.samples = samples;
        this.accessReads = accessReads;
        this.difficulty = difficulty;
        this.id = Sha256.hash(ID_DOMAIN, preimage());
        this.inclusion = drawInclusion();
    }

    /**
     * The challenge of {@code epoch} for {@code proverKey} over {@code scope}, with {@code samples}
     * inclusion chunks, {@code accessReads} dependent reads and a work {@code difficulty} in leading zero bits.
     */
    public static Challenge derive(Beacon beacon, long epoch, ChallengeScope scope, Bytes32 proverKey, ProofParts parts,
            int samples, int accessReads, int difficulty) {
        return of(epoch, beacon.entropy(epoch), scope, proverKey, parts, samples, accessReads, difficulty);
    }

    /** As {@link #derive}, with the beacon's entropy already read. */
    public static Challenge of(long epoch, Bytes32 entropy, ChallengeScope scope, Bytes32 proverKey, ProofParts parts,
            int samples, int accessReads, int difficulty) {
        return new Challenge(epoch, entropy, scope, proverKey, parts, samples, accessReads, difficulty);
    }

    /** The preimage of the challenge id (layout in the class note). */
    public byte[] preimage() {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 32 * 3 + 4 + 4 + 4 + 12 * scope.heldCount());
        b.put((byte) VERSION).putLong(epoch);
        entropy.writeTo(b);
        scope.datastoreId().writeTo(b);
        proverKey.writeTo(b);
        b.put((byte) parts.bits()).put((byte) samples).put((byte) accessReads).put((byte) difficulty);
        b.putInt(scope.capsuleCount()).putInt(scope.heldCount());
        for (int i = 0; i < scope.heldCount(); i++) {
            b.putInt(scope.heldIndex(i)).putLong(scope.heldSize(i));
        }
        return b.array();
    }

    /**
     * Draw {@code i} of {@code label} keyed by {@code key}: uniform over {@code [0, n)} by rejection
     * sampling on whole numbers (class note).
     */
    static long draw(byte[] label, Bytes32 key, int i, int attempt, long n) {
        return draw(Sha256.newDigest(), label, key, i, attempt, n);
    }

    /** As {@link #draw(byte[], Bytes32, int, int, long)}, hashing with {@code d} (reset first). */
    static long draw(MessageDigest d, byte[] label, Bytes32 key, int i, int attempt, long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("cannot draw from an empty range");
        }
        long reject = Long.remainderUnsigned(-n, n); // 2^64 mod n
        d.reset();
        byte[] k = key.toArray();
        for (int a = attempt; ; a++) {
            d.update(label);
            d.update(k);
            d.update(ByteBuffer.allocate(8).putInt(i).putInt(a).array());
            long v = ByteBuffer.wrap(d.digest()).getLong();
            if (reject == 0 || Long.compareUnsigned(v, -reject) < 0) {
                return Long.remainderUnsigned(v, n);
            }
        }
    }

    private List<ChunkPosition> drawInclusion() {
        long n = scope.totalChunks();
        int count = (int) Math.min(samples, n);
        LinkedHashSet<Long> chosen = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            for (int attempt = 0; ; attempt++) {
                if (chosen.add(draw(INCLUSION, id, i, attempt, n))) {
                    break;
                }
            }
        }
        return chosen.stream().map(scope::locate).toList();
    }

    /** The distinct chunks the inclusion part must prove, in order. */
    public List<ChunkPosition> inclusionPositions() {
        return inclusion;
    }

    /** Where read 0 of the access chain is. */
    public ChunkPosition firstAccess() {
        return scope.locate(draw(ACCESS, id, 0, 0, scope.totalChunks()));
    }

    /** Where read {@code i + 1} is, given the bytes read {@code i} returned. */
    public ChunkPosition nextAccess(int i, byte[] chunkOfRead) {
        return nextAccess(i, chunkOfRead, Sha256.newDigest());
    }

    /** As {@link #nextAccess(int, byte[])}, hashing with {@code sha256} (reset first). */
    ChunkPosition nextAccess(int i, byte[] chunkOfRead, MessageDigest sha256) {
        sha256.reset();
        sha256.update(ACCESS_LINK);
        sha256.update(id.toArray());
        sha256.update(ByteBuffer.allocate(4).putInt(i).array());
        sha256.update(chunkOfRead);
        Bytes32 link = Bytes32.wrap(sha256.digest());
        return scope.locate(draw(sha256, ACCESS, link, i + 1, 0, scope.totalChunks()));
    }

    /** The capsule ownership and work are bound to. */
    public int anchorCapsule() {
        return scope.heldIndex((int) draw(ANCHOR, id, 0, 0, scope.heldCount()));
    }

    public Bytes32 id() {
        return id;
    }

    public long epoch() {
        return epoch;
    }

    public Bytes32 entropy() {
        return entropy;
    }

    public ChallengeScope scope() {
        return scope;
    }

    public Bytes32 proverKey() {
        return proverKey;
    }

    public ProofParts parts() {
        return parts;
    }

    public int samples() {
        return samples;
    }

    public int accessReads() {
        return accessReads;
    }

    public int difficulty() {
        return difficulty;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
