package net.dig.net;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Outbound connections through Tor's SOCKS5 port (the seed's {@code TorConfig}, feature {@code tor}, opt-in).
 * The proxy is handed the peer's name or address unresolved (SOCKS5 address type 3 for a name), so a
 * {@code .onion} service or a DNS name never reaches the local resolver.
 *
 * @param socksProxy        the proxy's {@code host:port} (Tor's default {@code 127.0.0.1:9050})
 * @param clearnetViaProxy  true: every outbound connection goes through the proxy, IP peers included, so
 *                          none leaves from this host's address; false: only {@code .onion} peers do
 */
public record TorConfig(InetSocketAddress socksProxy, boolean clearnetViaProxy) {
    public static final int DEFAULT_SOCKS_PORT = 9050;

    public TorConfig {
        Objects.requireNonNull(socksProxy, "tor.socks_proxy");
        if (socksProxy.getPort() == 0) {
            throw new IllegalArgumentException("tor.socks_proxy needs a port, got " + socksProxy);
        }
    }

    public static TorConfig of(InetSocketAddress socksProxy) {
        return new TorConfig(socksProxy, true);
    }

    /** Whether a dial to {@code target} goes through the proxy. */
    boolean proxies(InetSocketAddress target) {
        return clearnetViaProxy || isOnion(target);
    }

    static boolean isOnion(InetSocketAddress target) {
        return target.isUnresolved() && net.dig.gossip.OnionAddress.looksLikeOnion(target.getHostString());
    }
}
