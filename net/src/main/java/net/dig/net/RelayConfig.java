package net.dig.net;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import net.dig.gossip.RelayBackoff;

/**
 * The seed's {@code RelayConfig}: the relay a node that cannot accept inbound connections registers with
 * (node.yaml {@code network.relay.*}, docs/config.md).
 *
 * @param endpoint         the relay, {@code host:port} or {@code ws://host:port} / {@code wss://host:port}
 *                         (default port {@link GossipConstants#DEFAULT_RELAY_PORT})
 * @param enabled          register and stay registered; false keeps the settings without using them
 * @param reconnectInitial first wait after the relay link drops
 * @param reconnectMax     ceiling of the doubling wait
 * @param maxReconnectAttempts failed attempts in a row before giving up; 0 never gives up
 */
public record RelayConfig(String endpoint, boolean enabled, Duration reconnectInitial, Duration reconnectMax,
        int maxReconnectAttempts) {
    public RelayConfig {
        Objects.requireNonNull(endpoint, "relay.endpoint");
        address(endpoint);
        new RelayBackoff(reconnectInitial, reconnectMax, maxReconnectAttempts);
    }

    public static RelayConfig of(String endpoint) {
        return new RelayConfig(endpoint, true, Duration.ofSeconds(1), Duration.ofSeconds(60), 0);
    }

    public RelayBackoff backoff() {
        return new RelayBackoff(reconnectInitial, reconnectMax, maxReconnectAttempts);
    }

    /** The endpoint as an unresolved socket address. */
    public InetSocketAddress address() {
        return address(endpoint);
    }

    static InetSocketAddress address(String endpoint) {
        String text = endpoint.contains("://") ? endpoint : "ws://" + endpoint;
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("relay.endpoint is not host:port or a ws:// URL: " + endpoint, e);
        }
        if (uri.getHost() == null || !(uri.getScheme().equals("ws") || uri.getScheme().equals("wss"))) {
            throw new IllegalArgumentException("relay.endpoint is not host:port or a ws:// URL: " + endpoint);
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        return InetSocketAddress.createUnresolved(host, uri.getPort() < 0 ? GossipConstants.DEFAULT_RELAY_PORT : uri.getPort());
    }
}
