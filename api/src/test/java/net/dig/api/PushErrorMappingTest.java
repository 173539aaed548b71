package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.SQLException;
import net.dig.storage.Compression;
import net.dig.storage.Manifest;
import net.dig.storage.StorageException;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failed {@code StorageEngine.store} becomes on the wire: the right status for each cause, never a blanket 422. */
class PushErrorMappingTest {
    @Test
    void theStorageEnginesOwnStaleVersionRefusalIs409(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            Manifest m = f.tiny;
            // what a push that lost a race with an equal version gets from the engine (past the route's own pre-check)
            StorageException real = catchThrowableOfType(StorageException.class, () -> f.storage.store(m.version(), m.name(),
                    m.files(), m.capsules(), i -> f.storage.readCapsule(m.datastoreId(), i), Compression.NONE));
            ApiException e = PublishRoutes.storeFailure(real, true);
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.code()).isEqualTo("stale_version");
        }
    }

    @Test
    void verificationFailuresAre422() {
        ApiException e = PublishRoutes.storeFailure(new IllegalArgumentException(
                "capsule 0 of datastore 0xab does not match its capsule hash 0xcd"), true);
        assertThat(e.status()).isEqualTo(422);
        assertThat(e.code()).isEqualTo("verification_failed");
    }

    @Test
    void outOfSpaceIs507AndABusyIndexIs503WithRetryAfter() {
        ApiException full = PublishRoutes.storeFailure(new StorageException(
                "no plot directory has room for a plot of about 1000 bytes: /plots (10 bytes free)"), true);
        assertThat(full.status()).isEqualTo(507);
        assertThat(full.code()).isEqualTo("insufficient_storage");
        ApiException enospc = PublishRoutes.storeFailure(new StorageException("cannot write plot in /plots: No space left on device",
                new java.nio.file.FileSystemException("/plots/x.tmp", null, "No space left on device")), true);
        assertThat(enospc.status()).isEqualTo(507);
        ApiException busy = PublishRoutes.storeFailure(new StorageException("cannot index plot p in index.sqlite: [SQLITE_BUSY] database is locked",
                new SQLException("[SQLITE_BUSY] The database file is locked (database is locked)")), true);
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.code()).isEqualTo("index_busy");
        assertThat(busy.retryAfterSeconds()).isPositive();
        ApiException other = PublishRoutes.storeFailure(new StorageException("cannot write plot in /plots: permission denied"), true);
        assertThat(other.status()).isEqualTo(503);
        assertThat(other.code()).isEqualTo("unavailable");
    }
}
