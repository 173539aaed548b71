package net.dig.proof;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.NodeIdentity;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BundleVerifierTest {
    private static final Bytes32 DS = Fixtures.bytes32("datastore");
    private static final NodeIdentity PROVER = Fixtures.identity("prover");
    private static final byte[] KEY = PROVER.publicKey();
    private static final MemoryReplica REPLICA = Fixtures.replica("bv", 9000, 1, 300, 4096 * 3, 0, 5000);
    private final LocalBeacon beacon = new LocalBeacon(Fixtures.bytes32("beacon"));

    private Challenge challenge(long epoch, ProofParts parts) {
        return Challenge.derive(beacon, epoch, REPLICA.scope(DS), Bytes32.wrap(KEY), parts, 3, 4, 6);
    }

    private static byte[] answer(Challenge c) {
        return Fixtures.pipeline().generate(c, REPLICA, PROVER).bytes();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void anHonestBundleOfEveryPartSetVerifies(int bits) {
        for (long epoch = 0; epoch < 20; epoch++) {
            Challenge c = challenge(epoch, ProofParts.ofBits(bits));
            assertThat(BundleVerifier.verify(answer(c), REPLICA.root(), KEY, c)).isEqualTo(Verdict.VALID);
        }
    }

    @Test
    void theParallelPipelineGivesTheSameBytes() {
        ExecutorService reads = Executors.newFixedThreadPool(2);
        ExecutorService lanes = Executors.newFixedThreadPool(2);
        try {
            ProofPipeline parallel = new ProofPipeline(reads, new CpuWorkBackend(lanes, 2), net.dig.core.Clock.system());
            for (long epoch = 0; epoch < 10; epoch++) {
                Challenge c = challenge(epoch, ProofParts.FULL);
                assertThat(parallel.generate(c, REPLICA, PROVER).bytes()).isEqualTo(answer(c));
            }
        } finally {
            reads.shutdownNow();
            lanes.shutdownNow();
        }
    }

    @Test
    void anySingleFlippedByteFails() {
        Challenge c = challenge(3, ProofParts.FULL);
        byte[] good = answer(c);
        for (int i = 0; i < good.length; i++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) bit;
                assertThat(BundleVerifier.verify(bad, REPLICA.root(), KEY, c)).as("byte %d bit %x", i, bit)
                        .isNotEqualTo(Verdict.VALID);
            }
        }
    }

    @Test
    void truncatedOrExtendedBytesAreMalformedNotExceptions() {
        Challenge c = challenge(4, ProofParts.FULL);
        byte[] good = answer(c);
        for (int len = 0; len < good.length; len += 97) {
            assertThat(BundleVerifier.verify(java.util.Arrays.copyOf(good, len), REPLICA.root(), KEY, c)).isNotEqualTo(Verdict.VALID);
        }
        assertThat(BundleVerifier.verify(java.util.Arrays.copyOf(good, good.length + 1), REPLICA.root(), KEY, c))
                .isEqualTo(Verdict.MALFORMED);
        assertThat(BundleVerifier.verify(null, REPLICA.root(), KEY, c)).isEqualTo(Verdict.MALFORMED);
        byte[] v2 = good.clone();
        v2[4] = 2;
        assertThat(BundleVerifier.verify(v2, REPLICA.root(), KEY, c)).isEqualTo(Verdict.UNSUPPORTED_VERSION);
    }

    /** A node holding a damaged chunk (or another datastore) cannot prove it, however it signs. */
    @Test
    void aWrongChunkFails() {
        for (long epoch = 0; epoch < 20; epoch++) {
            Challenge c = challenge(epoch, ProofParts.FULL);
            ChunkPosition target = c.inclusionPositions().getFirst();
            ReplicaReader damaged = new Delegating(REPLICA) {
                @Override
                public byte[] readChunk(int capsule, int chunk) {
                    byte[] b = super.readChunk(capsule, chunk);
                    if (capsule == target.capsuleIndex() && chunk == target.chunkIndex()) {
                        b = b.length == 0 ? new byte[] {1} : b;
                        b[b.length - 1] ^= 1;
                    }
                    return b;
                }
            };
            byte[] bad = Fixtures.pipeline().generate(c, damaged, PROVER).bytes();
            assertThat(BundleVerifier.verify(bad, REPLICA.root(), KEY, c)).isEqualTo(Verdict.BAD_CHUNK);
        }
        Challenge c = challenge(1, ProofParts.FULL);
        assertThat(BundleVerifier.verify(answer(c), Fixtures.replica("other", 9000, 1, 300, 4096 * 3, 0, 5000).root(), KEY, c))
                .isEqualTo(Verdict.BAD_CHUNK);
    }

    /** A prover answering with a genuine chunk at a position of its choosing (an easy, cached one) fails. */
    @Test
    void aWrongPositionFails() {
        int checked = 0;
        for (long epoch = 0; epoch < 20; epoch++) {
            Challenge c = challenge(epoch, ProofParts.PHYSICAL_ACCESS);
            if (c.firstAccess().equals(new ChunkPosition(0, 0))) {
                continue;
            }
            ChunkRead easy = ChunkRead.read(REPLICA, new ChunkPosition(0, 0));
            List<ChunkRead> chain = java.util.Collections.nCopies(c.accessReads(), easy);
            byte[] bad = ProofBundle.sign(ProofParts.PHYSICAL_ACCESS, c.id(), REPLICA.plotId(0), List.of(), chain, null, PROVER)
                    .encode();
            assertThat(BundleVerifier.verify(bad, REPLICA.root(), KEY, c)).isEqualTo(Verdict.WRONG_POSITION);
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void aWrongKeyFails() {
        Challenge c = challenge(5, ProofParts.FULL);
        NodeIdentity thief = Fixtures.identity("thief");
        assertThat(BundleVerifier.verify(answer(c), REPLICA.root(), thief.publicKey(), c)).isEqualTo(Verdict.WRONG_PROVER);
        Challenge forThief = Challenge.derive(beacon, 5, REPLICA.scope(DS), Bytes32.wrap(thief.publicKey()), ProofParts.FULL, 3, 4, 6);
        byte[] stolen = Fixtures.pipeline().generate(forThief, REPLICA, thief).bytes();
        assertThat(BundleVerifier.verify(stolen, REPLICA.root(), KEY, c)).isEqualTo(Verdict.WRONG_CHALLENGE);
        // the prover's bundle re-signed by someone else under the prover's claimed key
        ProofBundle honest = ProofBundle.decode(answer(c));
        ProofBundle resigned = ProofBundle.sign(honest.parts(), honest.challengeId(), honest.plotId(), honest.inclusion(),
                honest.access(), honest.work(), thief);
        byte[] forged = resigned.encode();
        System.arraycopy(KEY, 0, forged, 4 + 1 + 1 + 64, 32);
        assertThat(BundleVerifier.verify(forged, REPLICA.root(), KEY, c)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void anotherChallengesAnswerFails() {
        Challenge c = challenge(6, ProofParts.FULL);
        assertThat(BundleVerifier.verify(answer(challenge(7, ProofParts.FULL)), REPLICA.root(), KEY, c))
                .isEqualTo(Verdict.WRONG_CHALLENGE);
    }

    @Test
    void aLateAnswerFailsAndTheDeadlineIsTheVerifiersOwn() {
        ManualClock clock = new ManualClock();
        TimingPolicy timing = new TimingPolicy(Duration.ofMillis(20).toNanos(), Duration.ofMillis(1).toNanos(), 0);
        BundleVerifier verifier = new BundleVerifier(clock, timing);
        Challenge c = challenge(8, ProofParts.PHYSICAL_ACCESS);
        assertThat(timing.deadlineNanos(c)).isEqualTo(Duration.ofMillis(24).toNanos());
        byte[] bundle = answer(c);

        BundleVerifier.Pending onTime = verifier.start(c);
        clock.advance(Duration.ofMillis(24));
        assertThat(onTime.finish(bundle, REPLICA.root(), KEY)).isEqualTo(Verdict.VALID);

        BundleVerifier.Pending late = verifier.start(c);
        clock.advance(Duration.ofMillis(24).plusNanos(1));
        assertThat(late.finish(bundle, REPLICA.root(), KEY)).isEqualTo(Verdict.LATE);
    }

    @Test
    void insufficientWorkFails() {
        Challenge c = Challenge.derive(beacon, 9, REPLICA.scope(DS), Bytes32.wrap(KEY), ProofParts.WORK, 1, 1, 12);
        ProofBundle honest = ProofBundle.decode(answer(c));
        WorkProof w = honest.work();
        assertThat(w.nonce()).isPositive();
        WorkProof cheap = new WorkProof(w.capsuleIndex(), w.capsuleHash(), w.chunkRoot(), w.capsuleProof(), w.difficulty(), 0);
        byte[] bad = ProofBundle.sign(ProofParts.WORK, c.id(), honest.plotId(), List.of(), List.of(), cheap, PROVER).encode();
        assertThat(BundleVerifier.verify(bad, REPLICA.root(), KEY, c)).isEqualTo(Verdict.INSUFFICIENT_WORK);
    }

    /** Passes every read through; tests override the one they corrupt. */
    static class Delegating implements ReplicaReader {
        private final ReplicaReader d;

        Delegating(ReplicaReader d) {
            this.d = d;
        }

        @Override
        public Bytes32 plotId(int c) {
            return d.plotId(c);
        }

        @Override
        public Bytes32 capsuleHash(int c) {
            return d.capsuleHash(c);
        }

        @Override
        public Bytes32 chunkRoot(int c) {
            return d.chunkRoot(c);
        }

        @Override
        public byte[] readChunk(int c, int k) {
            return d.readChunk(c, k);
        }

        @Override
        public MerkleProof chunkProof(int c, int k) {
            return d.chunkProof(c, k);
        }

        @Override
        public MerkleProof capsuleProof(int c) {
            return d.capsuleProof(c);
        }
    }
}
