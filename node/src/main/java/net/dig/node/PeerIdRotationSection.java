package net.dig.node;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.Optional;
import net.dig.net.PeerIdRotationConfig;

/**
 * {@code network.peer_id_rotation:} - a fresh TLS certificate, so a fresh PeerId, every
 * {@code rotation_interval_secs} when {@code enabled} ({@link PeerIdRotationConfig}); with
 * {@code reconnect_on_rotation} the open connections are closed and dialled again under it.
 */
record PeerIdRotationSection(boolean enabled,
                             @JsonProperty("rotation_interval_secs") @JsonDeserialize(using = ConfigValues.Seconds.class)
                             Duration rotationInterval,
                             boolean reconnectOnRotation) {
    PeerIdRotationSection {
        NodeConfig.require(rotationInterval, "rotation_interval_secs");
        try {
            new PeerIdRotationConfig(rotationInterval, reconnectOnRotation);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("rotation_interval_secs", e.getMessage().replaceFirst("^rotation_interval_secs ", ""));
        }
    }

    /** The rotation settings, or empty when rotation is off. */
    Optional<PeerIdRotationConfig> config() {
        return enabled ? Optional.of(new PeerIdRotationConfig(rotationInterval, reconnectOnRotation)) : Optional.empty();
    }
}
