package net.dig.storage;

import static net.dig.storage.StorageTestSupport.OWNER;
import static net.dig.storage.StorageTestSupport.randomBytes;
import static net.dig.storage.StorageTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.testkit.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The real engine, driven into each {@link StorageErrorCode}. */
class StorageErrorCodesTest {
    static final int KB256 = 262_144;

    @TempDir
    Path tmp;

    static StorageErrorCode codeOf(Executable call) {
        StorageException e = catchThrowableOfType(StorageException.class, () -> {
            try {
                call.execute();
            } catch (Throwable t) {
                throw t instanceof Exception ex ? ex : new RuntimeException(t);
            }
        });
        assertThat(e).as("a StorageException").isNotNull();
        return e.code();
    }

    private Manifest ingest(StorageEngine e, String name, int bytes, long seed) throws IOException {
        return e.ingest(write(tmp.resolve(name), randomBytes(bytes, seed)), new IngestOptions(KB256, Compression.NONE, name),
                OWNER, Progress.none());
    }

    @Test
    void stalePushWrongOwnerAndTamperedContent() throws Exception {
        byte[] data = randomBytes(2 * KB256, 1);
        Manifest m;
        try (StorageEngine origin = StorageTestSupport.open(tmp.resolve("origin"))) {
            m = origin.ingest(write(tmp.resolve("d"), data), new IngestOptions(KB256, Compression.NONE, "d"), OWNER, Progress.none());
        }
        CapsuleSource good = i -> Arrays.copyOfRange(data, i * KB256, (i + 1) * KB256);
        try (StorageEngine e = StorageTestSupport.open(tmp.resolve("home"))) {
            CapsuleSource tampered = i -> {
                byte[] c = good.capsule(i);
                c[0] ^= 1;
                return c;
            };
            assertThat(codeOf(() -> e.store(m.version(), m.name(), m.files(), m.capsules(), tampered, Compression.NONE)))
                    .isEqualTo(StorageErrorCode.VERIFICATION_FAILED);
            e.store(m.version(), m.name(), m.files(), m.capsules(), good, Compression.NONE);
            assertThat(codeOf(() -> e.store(m.version(), m.name(), m.files(), m.capsules(), good, Compression.NONE)))
                    .isEqualTo(StorageErrorCode.STALE_VERSION);

            NodeIdentity thief = NodeIdentity.fromSeed(StorageTestSupport.seed(9));
            DatastoreVersion v = m.version();
            DatastoreVersion claimed = new DatastoreVersion(v.datastoreId(), v.nonce(), 2, v.merkleRoot(), v.capsuleCount(),
                    v.totalSize(), v.capsuleSize(), 5, DatastoreVersion.nameSha256(m.name()), DatastoreVersion.filesRoot(m.files()),
                    thief.publicKey(), new byte[64]);
            DatastoreVersion stolen = claimed.withSignature(thief.sign(claimed.signingBytes()));
            assertThat(codeOf(() -> e.store(stolen, m.name(), m.files(), m.capsules(), good, Compression.NONE)))
                    .isEqualTo(StorageErrorCode.OWNER_MISMATCH);
            assertThat(e.manifest(m.datastoreId()).orElseThrow().version()).isEqualTo(v);
        }
    }

    @Test
    void corruptedCapsuleAndQuarantinedPlot() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        Manifest body;
        Manifest header;
        CapsuleLocation bodyLoc;
        CapsuleLocation headerLoc;
        try (StorageEngine e = StorageTestSupport.open(config)) {
            body = ingest(e, "body", 2 * KB256, 2);
            header = ingest(e, "header", 1000, 3);
            bodyLoc = e.locate(body.datastoreId(), 1).orElseThrow();
            headerLoc = e.locate(header.datastoreId(), 0).orElseThrow();
        }
        Corruption.flip(bodyLoc.plotPath(), bodyLoc.offset() + 100);
        Corruption.flip(headerLoc.plotPath(), 100);
        try (StorageEngine e = StorageTestSupport.open(config)) {
            // a read finds the corrupted capsule: refused, and from then on quarantined
            assertThat(codeOf(() -> e.readCapsule(body.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(codeOf(() -> e.region(body.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(codeOf(() -> e.locate(body.datastoreId(), 1))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(e.readCapsule(body.datastoreId(), 0)).hasSize(KB256);
            // a plot whose header fails at open is quarantined
            assertThat(codeOf(() -> e.readCapsule(header.datastoreId(), 0))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(codeOf(() -> e.region(header.datastoreId(), 0))).isEqualTo(StorageErrorCode.QUARANTINED);
            assertThat(codeOf(() -> e.locate(header.datastoreId(), 0))).isEqualTo(StorageErrorCode.QUARANTINED);
        }
    }

    @Test
    void unknownDatastoreCapsuleOrPlotIsNotFound() throws Exception {
        try (StorageEngine e = StorageTestSupport.open(tmp.resolve("home"))) {
            Bytes32 unknown = Bytes32.fromHex("0x" + "ab".repeat(32));
            assertThat(codeOf(() -> e.readCapsule(unknown, 0))).isEqualTo(StorageErrorCode.NOT_FOUND);
            assertThat(codeOf(() -> e.region(unknown, 0))).isEqualTo(StorageErrorCode.NOT_FOUND);
            assertThat(codeOf(() -> e.readChunk(unknown, 0, 0))).isEqualTo(StorageErrorCode.NOT_FOUND);
            assertThat(codeOf(() -> e.createPlot(unknown, List.of(), Compression.NONE))).isEqualTo(StorageErrorCode.NOT_FOUND);
            assertThat(codeOf(() -> e.delete(unknown))).isEqualTo(StorageErrorCode.NOT_FOUND);
            assertThat(codeOf(() -> e.verify(Optional.of(unknown), Progress.none()))).isEqualTo(StorageErrorCode.NOT_FOUND);
        }
    }

    @Test
    void noRoomIsNoSpaceAndLeavesNothing() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine e = StorageTestSupport.open(config)) {
            List<String> before = e.indexDump();
            e.placement().usableSpace = dir -> 100_000;
            Path src = write(tmp.resolve("big"), randomBytes(3 * KB256, 4));
            StorageException full = catchThrowableOfType(StorageException.class,
                    () -> e.ingest(src, new IngestOptions(KB256, Compression.NONE, null), OWNER, Progress.none()));
            assertThat(full.code()).isEqualTo(StorageErrorCode.NO_SPACE);
            assertThat(full).hasMessageStartingWith("no plot directory has room for a plot of about")
                    .hasMessageContaining(config.plotDirs().getFirst() + " (100000 bytes free)");
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();
            assertThat(StorageTestSupport.countPlotFiles(config)).isZero();
            assertThat(e.indexDump()).isEqualTo(before);
            // a small datastore still fits
            e.ingest(write(tmp.resolve("small"), randomBytes(10_000, 5)), new IngestOptions(KB256, Compression.NONE, null),
                    OWNER, Progress.none());
            assertThat(e.plots()).hasSize(1);
        }
    }

    @Test
    void aLockedIndexIsIndexBusyAndLeavesNoPlot() throws Exception {
        StorageConfig config = StorageConfig.under(tmp.resolve("home"));
        try (StorageEngine e = StorageTestSupport.open(config);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + config.indexFile())) {
            try (Statement s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
            }
            Path src = write(tmp.resolve("a"), randomBytes(10_000, 6));
            StorageException busy = catchThrowableOfType(StorageException.class,
                    () -> e.ingest(src, new IngestOptions(KB256, Compression.NONE, null), OWNER, Progress.none()));
            assertThat(busy.code()).isEqualTo(StorageErrorCode.INDEX_BUSY);
            assertThat(StorageTestSupport.countPlotFiles(config)).isZero();
            assertThat(StorageTestSupport.countTempFiles(config)).isZero();
            try (Statement s = other.createStatement()) {
                s.execute("ROLLBACK");
            }
            e.ingest(src, new IngestOptions(KB256, Compression.NONE, null), OWNER, Progress.none());
            assertThat(e.datastores()).hasSize(1);
        }
    }

    @Test
    void sqliteBusyIsRecognisedByItsResultCodeNotItsMessage() throws Exception {
        Path db = tmp.resolve("x.sqlite");
        try (Connection a = DriverManager.getConnection("jdbc:sqlite:" + db);
             Connection b = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = a.createStatement()) {
                s.execute("CREATE TABLE t(x)");
                s.execute("BEGIN EXCLUSIVE");
                s.execute("INSERT INTO t VALUES(1)");
            }
            SQLException real;
            try (Statement s = b.createStatement()) {
                s.execute("PRAGMA busy_timeout=0");
                real = catchThrowableOfType(SQLException.class, () -> s.execute("INSERT INTO t VALUES(2)"));
            }
            assertThat(StorageFailures.index("test", real).code()).isEqualTo(StorageErrorCode.INDEX_BUSY);
            // the same words in a message of another kind of failure do not make it busy
            SQLException lookalike = new SQLException("[SQLITE_BUSY] database is locked", "HY000", 1);
            assertThat(StorageFailures.index("test", lookalike).code()).isEqualTo(StorageErrorCode.IO);
        }
    }

    @Test
    void anUnreadableSourceIsIo() {
        try (StorageEngine e = StorageTestSupport.open(tmp.resolve("home"))) {
            assertThat(codeOf(() -> e.ingest(tmp.resolve("nope"), IngestOptions.defaults(), OWNER, Progress.none())))
                    .isEqualTo(StorageErrorCode.IO);
        }
    }

}
