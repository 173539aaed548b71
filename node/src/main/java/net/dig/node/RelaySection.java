package net.dig.node;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.Optional;
import net.dig.net.RelayConfig;

/**
 * {@code network.relay:} - the relay a node that cannot accept inbound connections registers with
 * ({@link RelayConfig}; docs/decisions.md D50r): {@code endpoint} ({@code host:port} or {@code ws://host:port},
 * default port 9450; null = none), {@code enabled}, and the reconnect backoff from
 * {@code reconnect_initial_secs} doubling to {@code reconnect_max_secs}, giving up after
 * {@code max_reconnect_attempts} failures in a row (0 = never).
 */
record RelaySection(String endpoint, boolean enabled,
                    @JsonProperty("reconnect_initial_secs") @JsonDeserialize(using = ConfigValues.Seconds.class) Duration reconnectInitial,
                    @JsonProperty("reconnect_max_secs") @JsonDeserialize(using = ConfigValues.Seconds.class) Duration reconnectMax,
                    int maxReconnectAttempts) {
    RelaySection {
        NodeConfig.require(reconnectInitial, "reconnect_initial_secs");
        NodeConfig.require(reconnectMax, "reconnect_max_secs");
        if (reconnectInitial.isZero() || reconnectInitial.isNegative()) {
            throw new ConfigException("reconnect_initial_secs", "must be >= 1, got " + reconnectInitial.toSeconds());
        }
        if (reconnectMax.compareTo(reconnectInitial) < 0) {
            throw new ConfigException("reconnect_max_secs", "must be >= reconnect_initial_secs (" + reconnectInitial.toSeconds()
                    + "), got " + reconnectMax.toSeconds());
        }
        if (maxReconnectAttempts < 0) {
            throw new ConfigException("max_reconnect_attempts", "must be >= 0, got " + maxReconnectAttempts);
        }
        if (endpoint != null) {
            try {
                new RelayConfig(endpoint, enabled, reconnectInitial, reconnectMax, maxReconnectAttempts);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("endpoint", e.getMessage());
            }
        }
    }

    /** The relay to use; empty without an endpoint. */
    Optional<RelayConfig> relayConfig() {
        return endpoint == null ? Optional.empty()
                : Optional.of(new RelayConfig(endpoint, enabled, reconnectInitial, reconnectMax, maxReconnectAttempts));
    }
}
