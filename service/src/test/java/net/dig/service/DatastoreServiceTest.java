package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.gossip.PenaltyReason;
import net.dig.storage.Compression;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageErrorCode;
import net.dig.storage.StorageException;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storing pushed versions against a real engine in a temp dir: each refusal carries its row of the
 * error table (HTTP status and JSON code, CLI exit code, peer penalty), and nothing is committed.
 */
class DatastoreServiceTest {
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(seed(1));
    private static final NodeIdentity OWNER = NodeIdentity.fromSeed(seed(2));
    private static final NodeIdentity STRANGER = NodeIdentity.fromSeed(seed(3));

    @TempDir
    Path tmp;

    private StorageEngine engine;
    private NodeServices services;
    private DatastoreService datastores;
    private Manifest v1;

    @BeforeEach
    void open() throws IOException {
        engine = StorageEngine.open(new StorageConfig(tmp.resolve("data"), List.of(tmp.resolve("plots")), tmp.resolve("cache")),
                new ManualClock(), NODE, new SplittableRandom(7));
        services = NodeServices.open(engine, NODE, new ManualClock(),
                new NodeServices.Settings(1 << 20, tmp.resolve("l2"), 1 << 20, tmp.resolve("handles.sqlite")));
        datastores = services.datastores();
        byte[] data = new byte[600_000];
        new SplittableRandom(3).nextBytes(data);
        Path src = tmp.resolve("src.bin");
        Files.write(src, data);
        v1 = datastores.ingest(src, new IngestOptions(262_144, Compression.NONE, "f"), OWNER, Progress.none());
    }

    @AfterEach
    void close() {
        services.close();
        engine.close();
    }

    /** Version {@code n} of the ingested datastore, same content, signed by the owner. */
    private ManifestCodec.Decoded version(long n) {
        DatastoreVersion v = v1.version();
        DatastoreVersion signed = DatastoreVersion.signed(v.nonce(), n, v.merkleRoot(), v.capsuleCount(), v.totalSize(),
                v.capsuleSize(), v.creationTime(), v1.name(), v1.files(), OWNER);
        return new ManifestCodec.Decoded(signed, v1.name(), v1.capsules(), v1.files());
    }

    private CapsuleParts parts(Map<Integer, byte[]> replaced) throws IOException {
        Map<Integer, Path> files = new HashMap<>();
        for (int i = 0; i < v1.capsules().size(); i++) {
            Path p = tmp.resolve("part-" + i);
            Files.write(p, replaced.getOrDefault(i, engine.readCapsule(v1.datastoreId(), i)));
            files.put(i, p);
        }
        return CapsuleParts.files(files);
    }

    private ServiceException refusal(ManifestCodec.Decoded pushed, CapsuleParts parts) {
        ServiceException e = catchThrowableOfType(ServiceException.class,
                () -> datastores.store(pushed, parts, Compression.NONE));
        assertThat(e).as("refused").isNotNull();
        assertThat(datastores.manifest(v1.datastoreId()).orElseThrow().version().version()).as("nothing committed")
                .isEqualTo(1);
        return e;
    }

    private static void assertRow(ServiceException e, ErrorCode code, int status, String json, int exit,
            Optional<PenaltyReason> penalty) {
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.code().httpStatus()).isEqualTo(status);
        assertThat(e.jsonCode()).isEqualTo(json);
        assertThat(e.code().exitCode()).isEqualTo(exit);
        assertThat(e.code().penalty()).isEqualTo(penalty);
    }

    @Test
    void aNewerVersionSignedByTheOwnerIsStoredAndInvalidatesTheCachedView() throws IOException {
        assertThat(services.content().views().load(v1.datastoreId()).manifest().version().version()).isEqualTo(1);
        Manifest stored = datastores.store(version(2), parts(Map.of()), Compression.ZSTD);
        assertThat(stored.version().version()).isEqualTo(2);
        assertThat(services.content().views().cached(v1.datastoreId())).isNull();
        assertThat(services.content().views().load(v1.datastoreId()).manifest().version().version()).isEqualTo(2);
    }

    @Test
    void aStaleVersionIs409StaleVersionAndNoPenalty() throws IOException {
        ServiceException e = refusal(version(1), parts(Map.of()));
        assertRow(e, ErrorCode.STALE_VERSION, 409, "stale_version", 1, Optional.empty());
    }

    @Test
    void theEnginesOwnStaleRefusalAfterALostRaceIsStaleVersionToo() throws IOException {
        // what a push that lost a race with an equal version gets from the engine, past the service's pre-check
        ManifestCodec.Decoded same = version(1);
        StorageException real = catchThrowableOfType(StorageException.class, () -> engine.store(same.version(),
                same.name(), same.files(), same.capsules(), parts(Map.of()), Compression.NONE));
        assertThat(real).isNotNull();
        assertThat(real.code()).isEqualTo(StorageErrorCode.STALE_VERSION);
        ServiceException e = ServiceException.of(real);
        assertRow(e, ErrorCode.STALE_VERSION, 409, "stale_version", 1, Optional.empty());
    }

    @Test
    void aVersionSignedByAnotherKeyIsAnOwnerMismatch() throws IOException {
        DatastoreVersion v = version(2).version();
        DatastoreVersion foreign = new DatastoreVersion(v.datastoreId(), v.nonce(), 2, v.merkleRoot(), v.capsuleCount(),
                v.totalSize(), v.capsuleSize(), v.creationTime(), v.nameSha256(), v.filesRoot(), STRANGER.publicKey(),
                new byte[64]);
        foreign = foreign.withSignature(STRANGER.sign(foreign.signingBytes()));
        assertThat(foreign.signatureValid()).isTrue();
        ServiceException e = refusal(new ManifestCodec.Decoded(foreign, v1.name(), v1.capsules(), v1.files()),
                parts(Map.of()));
        assertRow(e, ErrorCode.OWNER_MISMATCH, 422, "verification_failed", 1, Optional.of(PenaltyReason.INVALID_ATTESTATION));
    }

    @Test
    void aSignatureThatDoesNotVerifyIs422BadSignature() throws IOException {
        DatastoreVersion v = version(2).version();
        DatastoreVersion forged = v.withSignature(STRANGER.sign(v.signingBytes()));
        ServiceException e = refusal(new ManifestCodec.Decoded(forged, v1.name(), v1.capsules(), v1.files()),
                parts(Map.of()));
        assertRow(e, ErrorCode.BAD_SIGNATURE, 422, "bad_signature", 1, Optional.of(PenaltyReason.INVALID_ATTESTATION));
    }

    @Test
    void aCorruptedCapsuleIsRefusedByTheEngineAs422VerificationFailed() throws IOException {
        byte[] bad = engine.readCapsule(v1.datastoreId(), 1);
        bad[1000] ^= 1;
        ServiceException e = refusal(version(2), parts(Map.of(1, bad)));
        assertRow(e, ErrorCode.VERIFICATION_FAILED, 422, "verification_failed", 1, Optional.of(PenaltyReason.INVALID_BLOCK));
        assertThat(e.getMessage()).contains("capsule 1");
    }

    @Test
    void aPartOfTheWrongSizeIsVerificationFailedAndAMissingOneABadPush() throws IOException {
        byte[] shorter = Arrays.copyOf(engine.readCapsule(v1.datastoreId(), 0), 10);
        assertRow(refusal(version(2), parts(Map.of(0, shorter))), ErrorCode.VERIFICATION_FAILED, 422,
                "verification_failed", 1, Optional.of(PenaltyReason.INVALID_BLOCK));
        Map<Integer, Path> some = new HashMap<>();
        Files.write(tmp.resolve("only"), engine.readCapsule(v1.datastoreId(), 0));
        some.put(0, tmp.resolve("only"));
        assertRow(refusal(version(2), CapsuleParts.files(some)), ErrorCode.BAD_PUSH, 400, "bad_push", 2,
                Optional.of(PenaltyReason.MALFORMED_MESSAGE));
    }

    @Test
    void anUnknownDatastoreIs404AndAUsageError() {
        Bytes32 unknown = Bytes32.fromHex("cd".repeat(32));
        ServiceException e = catchThrowableOfType(ServiceException.class,
                () -> datastores.createPlot(unknown, List.of(), Compression.NONE));
        assertRow(e, ErrorCode.UNKNOWN_DATASTORE, 404, "unknown_datastore", 2, Optional.empty());
        StorageException fromEngine = catchThrowableOfType(StorageException.class,
                () -> engine.createPlot(unknown, List.of(), Compression.NONE));
        assertRow(ServiceException.of(fromEngine), ErrorCode.UNKNOWN_DATASTORE, 404, "unknown_datastore", 2, Optional.empty());
    }

    @Test
    void replottingRefusesIndexesBeyondTheDatastoreAndTwiceListedOnes() {
        ServiceException beyond = catchThrowableOfType(ServiceException.class,
                () -> datastores.createPlot(v1.datastoreId(), List.of(0, 99), Compression.NONE));
        assertRow(beyond, ErrorCode.BAD_CAPSULE_INDEX, 400, "bad_capsule_index", 2, Optional.of(PenaltyReason.MALFORMED_MESSAGE));
        ServiceException twice = catchThrowableOfType(ServiceException.class,
                () -> datastores.createPlot(v1.datastoreId(), List.of(0, 0), Compression.NONE));
        assertRow(twice, ErrorCode.BAD_REQUEST, 400, "bad_request", 2, Optional.of(PenaltyReason.MALFORMED_MESSAGE));
    }

    private static byte[] seed(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }
}
