package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.net.PeerIdRotationConfig;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code network.peer_id_rotation}: off by default, overrides reaching dig-gossip, refusals naming their key. */
@Timeout(30)
class PeerIdRotationConfigTest {
    private static NodeConfig.NetworkSection load(Setting... settings) {
        return ConfigLoader.load(Optional.empty(), Map.of(), List.of(settings)).network();
    }

    private static Setting set(String key, String value) {
        return new Setting(key, value, "test");
    }

    @Test
    void offByDefault() {
        assertThat(load().peerIdRotation().config()).isEmpty();
    }

    @Test
    void overridesReachTheGossipConfigRecord() {
        NodeConfig.NetworkSection n = load(set("network.peer_id_rotation.enabled", "true"),
                set("network.peer_id_rotation.rotation_interval_secs", "3600"),
                set("network.peer_id_rotation.reconnect_on_rotation", "false"));
        assertThat(n.peerIdRotation().config()).contains(new PeerIdRotationConfig(Duration.ofHours(1), false));
        assertThat(load(set("network.peer_id_rotation.enabled", "true")).peerIdRotation().config())
                .contains(PeerIdRotationConfig.defaults());
    }

    @Test
    void refusalsNameTheirKey() {
        assertThatThrownBy(() -> load(set("network.peer_id_rotation.rotation_interval_secs", "59")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rotation_interval_secs");
        assertThatThrownBy(() -> load(set("network.peer_id_rotation.enabled", "true"),
                set("network.relay.endpoint", "ws://127.0.0.1:9450"), set("network.relay.enabled", "true")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("peer_id_rotation.enabled");
    }
}
