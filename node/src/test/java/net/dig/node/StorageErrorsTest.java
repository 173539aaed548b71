package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.service.ErrorCode;
import net.dig.service.ManifestCodec;
import net.dig.service.NodeServices;
import net.dig.service.ServiceException;
import net.dig.storage.Compression;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageErrorCode;
import net.dig.storage.StorageException;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's exit codes come from the error table, for failures the real engine and services raise. */
class StorageErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void realFailuresExitWithTheirRowsCode() throws Exception {
        NodeIdentity node = NodeIdentity.fromSeed(new byte[32]);
        try (StorageEngine engine = StorageEngine.open(new StorageConfig(tmp.resolve("d"), List.of(tmp.resolve("p")),
                tmp.resolve("c")), new ManualClock(), node, new SplittableRandom(1));
             NodeServices services = NodeServices.open(engine, node, new ManualClock(),
                     new NodeServices.Settings(0, tmp.resolve("l2"), 0, tmp.resolve("h.sqlite")))) {
            Path src = Files.writeString(tmp.resolve("f.txt"), "0123456789");
            Manifest m = engine.ingest(src, new IngestOptions(262_144, Compression.NONE, "f"), node, Progress.none());
            Bytes32 unknown = Bytes32.fromHex("ab".repeat(32));

            Throwable fromEngine = catchThrowable(() -> engine.createPlot(unknown, List.of(), Compression.NONE));
            assertThat(StorageErrors.exitCode(fromEngine)).isEqualTo(ExitCodes.USAGE);

            Throwable stale = catchThrowable(() -> services.datastores().store(ManifestCodec.decode(ManifestCodec.encode(m)),
                    net.dig.service.CapsuleParts.files(java.util.Map.of()), Compression.NONE));
            assertThat(stale).isInstanceOfSatisfying(ServiceException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.STALE_VERSION));
            assertThat(StorageErrors.exitCode(stale)).isEqualTo(ExitCodes.FAILED);

            Throwable twice = catchThrowable(() -> services.datastores().createPlot(m.datastoreId(), List.of(0, 0),
                    Compression.NONE));
            assertThat(StorageErrors.exitCode(twice)).isEqualTo(ExitCodes.USAGE);
            assertThat(StorageErrors.describe(twice)).isEqualTo(twice.getMessage());
        }
    }

    @Test
    void everyStorageCodeExitsAsItsRowSays() {
        for (StorageErrorCode c : StorageErrorCode.values()) {
            int exit = StorageErrors.exitCode(new StorageException(c, "m"));
            assertThat(exit).as(c.name()).isEqualTo(ErrorCode.of(c).exitCode())
                    .isIn(ExitCodes.FAILED, ExitCodes.USAGE, ExitCodes.INDEX_CORRUPT);
        }
        assertThat(StorageErrors.exitCode(new StorageException(StorageErrorCode.NOT_FOUND, "m"))).isEqualTo(ExitCodes.USAGE);
        assertThat(StorageErrors.exitCode(new StorageException(StorageErrorCode.NO_SPACE, "m"))).isEqualTo(ExitCodes.FAILED);
        assertThat(StorageErrors.exitCode(new IllegalStateException("bug"))).isEqualTo(ExitCodes.FAILED);
        assertThat(StorageErrors.exitCode(new StorageException(StorageErrorCode.INDEX_CORRUPT, "m"))).isEqualTo(ExitCodes.INDEX_CORRUPT);
    }
}
