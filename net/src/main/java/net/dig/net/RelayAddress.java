package net.dig.net;

import java.net.InetSocketAddress;
import java.util.Objects;
import net.dig.gossip.PeerId;

/**
 * Where a node behind a NAT is reached: a relay and the node's PeerId, written
 * {@code relay://host:port/<64 hex PeerId>}. The PeerId is what the relay routes by and what the dialler's
 * TLS handshake then checks end to end.
 */
public record RelayAddress(InetSocketAddress relay, PeerId peer) {
    private static final String SCHEME = "relay://";

    public RelayAddress {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(peer, "peer");
    }

    public static RelayAddress parse(String text) {
        if (!text.startsWith(SCHEME) || text.lastIndexOf('/') <= SCHEME.length()) {
            throw new IllegalArgumentException("a relay address is relay://host:port/<peer id>, got " + text);
        }
        int slash = text.lastIndexOf('/');
        PeerId peer;
        try {
            peer = PeerId.parse(text.substring(slash + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a relay address ends in a 64-hex-digit PeerId, got " + text, e);
        }
        return new RelayAddress(RelayConfig.address(text.substring(SCHEME.length(), slash)), peer);
    }

    @Override
    public String toString() {
        String host = relay.getHostString();
        return SCHEME + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + relay.getPort() + "/" + peer.toHex();
    }
}
