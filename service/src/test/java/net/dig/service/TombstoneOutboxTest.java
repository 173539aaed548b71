package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.testkit.ManualClock;
import net.dig.wire.NodePayload.DatastoreTombstone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class TombstoneOutboxTest {
    @TempDir
    Path tmp;

    @Test
    void keptTombstonesComeBackUntilTheyAreTooOldAndBadFilesAreDropped() throws Exception {
        ManualClock clock = new ManualClock(1_800_000_000_000L);
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 9);
        NodeIdentity owner = NodeIdentity.fromSeed(seed);
        TombstoneOutbox outbox = new TombstoneOutbox(tmp.resolve("t"), clock, 60);
        assertThat(outbox.pending()).isEmpty();
        DatastoreTombstone t = DatastoreTombstone.signed(Sha256.hash("a".getBytes()), 2, clock.epochSeconds(), owner);
        outbox.add(t);
        outbox.add(t);
        assertThat(outbox.pending()).singleElement().satisfies(got -> {
            assertThat(got.datastoreId()).isEqualTo(t.datastoreId());
            assertThat(got.version()).isEqualTo(2);
            assertThat(got.signatureValid()).isTrue();
        });
        Path junk = tmp.resolve("t").resolve("00.tombstone");
        Files.write(junk, new byte[144]);
        assertThat(outbox.pending()).hasSize(1);
        assertThat(junk).doesNotExist();
        clock.advance(Duration.ofSeconds(61));
        assertThat(outbox.pending()).isEmpty();
        try (var files = Files.list(tmp.resolve("t"))) {
            assertThat(files.count()).isZero();
        }
    }
}
