package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.proof.BundleVerifier;
import net.dig.proof.Challenge;
import net.dig.proof.ChallengeScope;
import net.dig.proof.ProofParts;
import net.dig.proof.Verdict;
import net.dig.core.Progress;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Challenge answers against a real engine, without any transport. */
class ProofServiceTest {
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(filled(1));
    private static final NodeIdentity VALIDATOR = NodeIdentity.fromSeed(filled(5));

    @TempDir
    Path tmp;

    @Test
    void answersVerifyAgainstTheSignedManifestAndAreCounted() throws Exception {
        ManualClock clock = new ManualClock();
        try (StorageEngine engine = StorageEngine.open(new StorageConfig(tmp.resolve("d"), List.of(tmp.resolve("p")),
                tmp.resolve("c")), clock, NODE, new SplittableRandom(1));
             NodeServices services = NodeServices.open(engine, NODE, clock,
                     new NodeServices.Settings(0, tmp.resolve("l2"), 0, tmp.resolve("h.sqlite")))) {
            byte[] data = new byte[300_000];
            new SplittableRandom(4).nextBytes(data);
            Path src = Files.write(tmp.resolve("f.bin"), data);
            Manifest m = engine.ingest(src, new IngestOptions(262_144, Compression.ZSTD, "f"), NODE, Progress.none());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            services.bindTo(registry);
            ProofService proofs = services.proofs();

            for (CapsuleInfo ci : m.capsules()) {
                ProofService.Answer a = proofs.answer("chal-" + ci.index(), ci.hash(), ProofParts.FULL);
                ChallengeScope scope = new ChallengeScope(m.datastoreId(), m.capsules().size(), new int[] {ci.index()},
                        new long[] {ci.size()});
                Challenge expected = ProofService.challengeFor("chal-" + ci.index(), scope, NODE.publicKey(), ProofParts.FULL);
                assertThat(a.challenge().id()).isEqualTo(expected.id());
                assertThat(a.datastoreId()).isEqualTo(m.datastoreId());
                assertThat(BundleVerifier.verify(a.generated().bytes(), m.version().merkleRoot(), NODE.publicKey(), expected))
                        .isEqualTo(Verdict.VALID);
                assertThat(BundleVerifier.verify(a.generated().bytes(), m.version().merkleRoot(), VALIDATOR.publicKey(), expected))
                        .isEqualTo(Verdict.WRONG_PROVER);
            }
            ServiceException unknown = catchThrowableOfType(ServiceException.class,
                    () -> proofs.answer("chal", Bytes32.fromHex("ee".repeat(32)), ProofParts.INCLUSION));
            assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_CAPSULE);
            assertThat(unknown.code().httpStatus()).isEqualTo(404);
            proofs.refused();

            assertThat(proofs.validations24h()).isEqualTo(2);
            assertThat(registry.get("validation_challenges").tag("result", "answered").functionCounter().count()).isEqualTo(2);
            assertThat(registry.get("validation_challenges").tag("result", "refused").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("proof_generation_time").timer().count()).isEqualTo(2);
            clock.advance(java.time.Duration.ofMillis(86_400_001L));
            assertThat(proofs.validations24h()).isZero();
        }
    }

    @Test
    void onlyConfiguredValidatorsWithAValidSignatureAreAdmitted() throws Exception {
        ManualClock clock = new ManualClock();
        try (StorageEngine engine = StorageEngine.open(new StorageConfig(tmp.resolve("d"), List.of(tmp.resolve("p")),
                tmp.resolve("c")), clock, NODE, new SplittableRandom(1));
             NodeServices services = NodeServices.open(engine, NODE, clock, new NodeServices.Settings(0, tmp.resolve("l2"), 0,
                     tmp.resolve("h.sqlite"), java.util.Set.of(net.dig.core.Hex.encodePlain(VALIDATOR.publicKey()))))) {
            ProofService proofs = services.proofs();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            services.bindTo(registry);
            Bytes32 hash = Bytes32.fromHex("ab".repeat(32));
            byte[] sig = VALIDATOR.sign(ProofService.challengeSigningBytes("c1", hash, "inclusion"));
            proofs.admit(VALIDATOR.publicKey(), "c1", hash, "inclusion", sig);
            assertThat(catchThrowableOfType(ServiceException.class, () -> proofs.admit(null, "c1", hash, "inclusion", sig))
                    .code()).isEqualTo(ErrorCode.VALIDATOR_KEY_REQUIRED);
            assertThat(catchThrowableOfType(ServiceException.class,
                    () -> proofs.admit(NODE.publicKey(), "c1", hash, "inclusion", NODE.sign(
                            ProofService.challengeSigningBytes("c1", hash, "inclusion")))).code())
                    .isEqualTo(ErrorCode.VALIDATOR_NOT_ALLOWED);
            assertThat(catchThrowableOfType(ServiceException.class,
                    () -> proofs.admit(VALIDATOR.publicKey(), "c2", hash, "inclusion", sig)).code())
                    .isEqualTo(ErrorCode.BAD_SIGNATURE);
            assertThat(registry.get("validation_challenges").tag("result", "refused").functionCounter().count()).isEqualTo(3);
        }
    }

    @Test
    void whatAValidatorSignsHasTheDocumentedLayout() {
        Bytes32 hash = Bytes32.fromHex("ab".repeat(32));
        byte[] b = ProofService.challengeSigningBytes("id-é", hash, "inclusion");
        ByteBuffer buf = ByteBuffer.wrap(b);
        byte[] magic = new byte[4];
        buf.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("DIGV");
        assertThat(buf.get()).isEqualTo((byte) 1);
        byte[] id = new byte[buf.getShort()];
        buf.get(id);
        assertThat(new String(id, StandardCharsets.UTF_8)).isEqualTo("id-é");
        assertThat(Bytes32.read(buf)).isEqualTo(hash);
        byte[] type = new byte[buf.get()];
        buf.get(type);
        assertThat(new String(type, StandardCharsets.US_ASCII)).isEqualTo("inclusion");
        assertThat(buf.hasRemaining()).isFalse();

        byte[] sig = VALIDATOR.sign(b);
        assertThat(ProofService.challengeSignatureValid(VALIDATOR.publicKey(), "id-é", hash, "inclusion", sig)).isTrue();
        assertThat(ProofService.challengeSignatureValid(VALIDATOR.publicKey(), "id-é", hash, "physical_access", sig)).isFalse();
        assertThat(ProofService.challengeSignatureValid(NODE.publicKey(), "id-é", hash, "inclusion", sig)).isFalse();
    }

    private static byte[] filled(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }
}
