package net.dig.proof;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;

/**
 * Checks a {@link ProofBundle} knowing only the challenge, the owner-signed datastore root and the
 * challenged node's public key: the verifier holds none of the data.
 *
 * <p>Checks, cheapest first, the first failure decides the {@link Verdict}: version and shape; the
 * challenge id, prover key and parts; each inclusion read at its derived position and chaining to the
 * root; the access chain read by read (read {@code i + 1} must be where read {@code i}'s bytes point,
 * {@link Challenge#nextAccess}); the work capsule at the anchor, proven to the root, and the work hash;
 * the signature. The plot id is signed but not checked here: a caller that knows the node's plots
 * (provider records) compares it.
 *
 * <p>Timing ({@link #start}/{@link Pending#finish}): the verifier reads its injected clock when it
 * sends the challenge and when the bundle arrives, and a valid bundle past
 * {@link TimingPolicy#deadlineNanos} is {@link Verdict#LATE}. Nothing the prover reports about time is
 * used. Bad input never throws: every malformed byte string is a verdict. Thread-safe: each
 * {@link #verify} hashes with one SHA-256 digest of its own, reused for every chunk, Merkle node and draw.
 */
public final class BundleVerifier {
    private final Clock clock;
    private final TimingPolicy timing;

    public BundleVerifier(Clock clock, TimingPolicy timing) {
        this.clock = clock;
        this.timing = timing;
    }

    /** A challenge in flight: the send time on the verifier's clock. */
    public final class Pending {
        private final Challenge challenge;
        private final long sentNanos;

        private Pending(Challenge challenge, long sentNanos) {
            this.challenge = challenge;
            this.sentNanos = sentNanos;
        }

        public Challenge challenge() {
            return challenge;
        }

        /** Checks the answer that just arrived, timing it from {@link #start}. */
        public Verdict finish(byte[] bundle, Bytes32 datastoreRoot, byte[] proverKey) {
            long elapsed = clock.nanos() - sentNanos;
            Verdict v = verify(bundle, datastoreRoot, proverKey, challenge);
            return v == Verdict.VALID && elapsed > timing.deadlineNanos(challenge) ? Verdict.LATE : v;
        }
    }

    /** Call just before the challenge is sent. */
    public Pending start(Challenge challenge) {
        return new Pending(challenge, clock.nanos());
    }

    /** Checks everything but time (for a bundle fetched later, or replayed from a report). */
    public static Verdict verify(byte[] bytes, Bytes32 datastoreRoot, byte[] proverKey, Challenge challenge) {
        if (bytes == null || bytes.length < 5 || bytes[0] != 'D' || bytes[1] != 'I' || bytes[2] != 'G' || bytes[3] != 'B') {
            return Verdict.MALFORMED;
        }
        if (!ProofBundle.supportedVersion(bytes)) {
            return Verdict.UNSUPPORTED_VERSION;
        }
        ProofBundle b;
        try {
            b = ProofBundle.decode(bytes);
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED;
        }
        if (!b.challengeId().equals(challenge.id())) {
            return Verdict.WRONG_CHALLENGE;
        }
        if (proverKey == null || proverKey.length != 32 || !b.proverKey().equals(Bytes32.wrap(proverKey))
                || !b.proverKey().equals(challenge.proverKey())) {
            return Verdict.WRONG_PROVER;
        }
        if (b.parts().bits() != challenge.parts().bits()) {
            return Verdict.WRONG_PARTS;
        }
        MessageDigest sha256 = Sha256.newDigest();
        Verdict v = checkInclusion(b.inclusion(), challenge, datastoreRoot, sha256);
        if (v == Verdict.VALID) {
            v = checkAccess(b.access(), challenge, datastoreRoot, sha256);
        }
        if (v == Verdict.VALID && b.work() != null) {
            v = checkWork(b.work(), b.plotId(), challenge, datastoreRoot, sha256);
        }
        if (v != Verdict.VALID) {
            return v;
        }
        int bodyLength = bytes.length - ProofBundle.SIGNATURE;
        byte[] sig = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
        return NodeIdentity.verify(proverKey, ProofBundle.signingBytes(bytes, bodyLength), sig) ? Verdict.VALID : Verdict.BAD_SIGNATURE;
    }

    private static Verdict checkInclusion(List<ChunkRead> reads, Challenge challenge, Bytes32 root, MessageDigest sha256) {
        if (!challenge.parts().inclusion()) {
            return Verdict.VALID;
        }
        List<ChunkPosition> expected = challenge.inclusionPositions();
        if (reads.size() != expected.size()) {
            return Verdict.WRONG_PARTS;
        }
        for (int i = 0; i < reads.size(); i++) {
            Verdict v = checkRead(reads.get(i), expected.get(i), challenge.scope(), root, sha256);
            if (v != Verdict.VALID) {
                return v;
            }
        }
        return Verdict.VALID;
    }

    private static Verdict checkAccess(List<ChunkRead> reads, Challenge challenge, Bytes32 root, MessageDigest sha256) {
        if (!challenge.parts().access()) {
            return Verdict.VALID;
        }
        if (reads.size() != challenge.accessReads()) {
            return Verdict.WRONG_PARTS;
        }
        ChunkPosition at = challenge.firstAccess();
        for (int i = 0; i < reads.size(); i++) {
            ChunkRead r = reads.get(i);
            Verdict v = checkRead(r, at, challenge.scope(), root, sha256);
            if (v != Verdict.VALID) {
                return v;
            }
            if (i + 1 < reads.size()) {
                at = challenge.nextAccess(i, r.chunkBytes(), sha256);
            }
        }
        return Verdict.VALID;
    }

    private static Verdict checkRead(ChunkRead r, ChunkPosition at, ChallengeScope scope, Bytes32 root, MessageDigest sha256) {
        if (r.capsuleIndex() != at.capsuleIndex() || r.chunkIndex() != at.chunkIndex()) {
            return Verdict.WRONG_POSITION;
        }
        return r.provesAt(at, scope, root, sha256) ? Verdict.VALID : Verdict.BAD_CHUNK;
    }

    private static Verdict checkWork(WorkProof w, Bytes32 plotId, Challenge challenge, Bytes32 root, MessageDigest sha256) {
        if (w.difficulty() != challenge.difficulty()) {
            return Verdict.WRONG_PARTS;
        }
        if (w.capsuleIndex() != challenge.anchorCapsule()) {
            return Verdict.WRONG_POSITION;
        }
        if (w.capsuleProof().leafIndex() != w.capsuleIndex() || w.capsuleProof().leafCount() != challenge.scope().capsuleCount()
                || !w.capsuleProof().verifies(sha256, ChunkRead.capsuleLeaf(sha256, w.capsuleHash(), w.chunkRoot()), root)) {
            return Verdict.BAD_CHUNK;
        }
        sha256.reset();
        sha256.update(WorkProof.puzzlePrefix(plotId, w.capsuleHash(), challenge.id()));
        sha256.update(ByteBuffer.allocate(8).putLong(w.nonce()).array());
        return WorkProof.leadingZeroBits(sha256.digest()) >= w.difficulty() ? Verdict.VALID : Verdict.INSUFFICIENT_WORK;
    }
}
