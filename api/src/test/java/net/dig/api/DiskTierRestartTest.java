package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.dig.core.Sha256;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An L2 file that rotted while the node was down is caught by its hash before it is served, and refetched from the plot. */
class DiskTierRestartTest {
    @Test
    void aCorruptedL2FileIsDroppedAndRefetchedAfterARestart(@TempDir Path tmp) throws Exception {
        Path l2 = tmp.resolve("l2");
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c.toBuilder().caches(0, l2, 8 << 20).build())) {
            String rotten = "/capsule/" + f.zstd.datastoreId().toHex() + "/0";
            String sound = "/capsule/" + f.zstd.datastoreId().toHex() + "/1";
            byte[] rottenBytes = f.storage.readCapsule(f.zstd.datastoreId(), 0);
            byte[] soundBytes = f.storage.readCapsule(f.zstd.datastoreId(), 1);
            assertThat(f.get(rotten).body()).isEqualTo(rottenBytes);
            assertThat(f.get(sound).body()).isEqualTo(soundBytes);
            Path file = l2.resolve(f.zstd.capsules().get(0).hash().toHex().substring(2));
            assertThat(file).exists();

            f.restartServer();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap("ROTTEN".getBytes()), 1000);
            }

            for (int i = 0; i < 2; i++) {
                assertThat(f.get(rotten).body()).as("request %d", i).isEqualTo(rottenBytes);
                assertThat(f.get(rotten, "Range", "bytes=990-1009").body())
                        .isEqualTo(java.util.Arrays.copyOfRange(rottenBytes, 990, 1010));
                assertThat(f.get(sound).body()).isEqualTo(soundBytes);
            }
            // the rotten file was replaced by a sound copy
            assertThat(Sha256.hash(Files.readAllBytes(file))).isEqualTo(f.zstd.capsules().get(0).hash());
            JsonObject l2Stats = new JsonObject(f.send("GET", "/node/status", null).body()).getJsonObject("cache").getJsonObject("l2");
            assertThat(l2Stats.getLong("misses")).as(l2Stats.encode()).isEqualTo(1);
        }
    }
}
