package net.dig.gossip;

import java.nio.charset.StandardCharsets;

/**
 * One way to reach a DHT contact or a provider: a host (an IP literal or a DNS name, printable ASCII, at
 * most {@link #MAX_HOST_BYTES} bytes), a port and a transport kind. The kind is a code the transport
 * assigns; the DHT carries it without interpreting it.
 */
public record DhtAddress(String host, int port, int kind) {
    public static final int MAX_HOST_BYTES = 253;
    /** A listening TLS socket of the contact or provider itself. */
    public static final int KIND_DIRECT = 0;
    /**
     * A relay the contact or provider is registered with: {@code host} and {@code port} are the relay's, and the
     * PeerId the address is listed under (the contact's, the record's provider) is the one to ask the relay for.
     */
    public static final int KIND_RELAY = 1;

    public DhtAddress {
        if (host == null || host.isEmpty() || host.length() > MAX_HOST_BYTES) {
            throw new IllegalArgumentException("an address host is 1.." + MAX_HOST_BYTES + " characters");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("an address host is printable ASCII without spaces");
            }
        }
        if ((port & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("port must be 0..65535 but was " + port);
        }
        if ((kind & ~0xFF) != 0) {
            throw new IllegalArgumentException("address kind must be 0..255 but was " + kind);
        }
    }

    byte[] hostBytes() {
        return host.getBytes(StandardCharsets.US_ASCII);
    }
}
