package net.dig.net;

import io.netty.handler.ssl.SslContext;

/**
 * The TLS identity in use and the server and client contexts built from it, replaceable as one: every
 * connection takes the contexts when its channel is initialised, so after {@link #replace} new connections
 * (accepted, dialled, relayed) present the new certificate and the ones already open keep the old one.
 *
 * <p>Thread-safe: one volatile snapshot, built completely before it is published.
 */
final class TlsCredentials {
    private record Snapshot(TlsIdentity identity, SslContext server, SslContext client) {}

    private final PeerTrust trust;
    private volatile Snapshot current;

    TlsCredentials(TlsIdentity identity, PeerTrust trust) {
        this.trust = trust;
        this.current = build(identity);
    }

    TlsIdentity identity() {
        return current.identity();
    }

    SslContext server() {
        return current.server();
    }

    SslContext client() {
        return current.client();
    }

    /** From now on connections use {@code next}; fails, leaving the current identity, if its contexts cannot be built. */
    void replace(TlsIdentity next) {
        current = build(next);
    }

    private Snapshot build(TlsIdentity identity) {
        return new Snapshot(identity, identity.serverContext(trust), identity.clientContext(trust));
    }
}
