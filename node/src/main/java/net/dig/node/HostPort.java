package net.dig.node;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A {@code host:port} address from the config or a flag, parsed once: the host as written (an IPv6
 * literal may be bracketed, {@code [::1]:9444}; the brackets are dropped), the port 0..65535 (0 = any
 * free port, useful in tests). Nothing is resolved here.
 */
record HostPort(String host, int port) {
    HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }

    /**
     * Parses {@code host:port}; a {@link ConfigException} with an empty key (the caller's key path is
     * added where the value sits) on anything else.
     */
    static HostPort parse(String value) {
        if (value == null) {
            throw new ConfigException("", "must be set");
        }
        if (value.isBlank()) {
            throw new ConfigException("", "must not be empty");
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException("", "must be host:port, got \"" + value + "\"");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("", "must be host:port with a numeric port, got \"" + value + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("", "must be a port 0..65535, got " + port);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostPort(host, port);
    }

    /** An address to bind or dial; unresolved names are resolved by the socket layer. */
    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** {@code host:port}, an IPv6 host in brackets: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
