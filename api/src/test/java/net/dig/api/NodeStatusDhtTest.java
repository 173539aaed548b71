package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /node/status} shows the DHT's numbers under {@code network.dht} when the node runs one, null when not. */
@Timeout(60)
class NodeStatusDhtTest {
    @Test
    void theDhtNumbersAppearInTheStatus(@TempDir Path tmp) throws Exception {
        PeerDirectory withDht = new PeerDirectory() {
            @Override
            public List<PeerView> peers() {
                return List.of();
            }

            @Override
            public Optional<DhtView> dht() {
                return Optional.of(new DhtView(17, 42, 4, 100, 90, 3));
            }
        };
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), withDht, c -> c)) {
            JsonObject dht = new JsonObject(f.send("GET", "/node/status", null).body()).getJsonObject("network").getJsonObject("dht");
            assertThat(dht.getInteger("routing_table_size")).isEqualTo(17);
            assertThat(dht.getInteger("provider_records")).isEqualTo(42);
            assertThat(dht.getInteger("provided_keys")).isEqualTo(4);
            assertThat(dht.getLong("messages_in")).isEqualTo(100);
            assertThat(dht.getLong("messages_out")).isEqualTo(90);
            assertThat(dht.getLong("rejected")).isEqualTo(3);
        }
    }

    @Test
    void withoutADhtTheFieldIsNull(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c)) {
            JsonObject network = new JsonObject(f.send("GET", "/node/status", null).body()).getJsonObject("network");
            assertThat(network.containsKey("dht")).isTrue();
            assertThat(network.getValue("dht")).isNull();
        }
    }
}
