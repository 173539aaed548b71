package net.dig.gossip;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * A peer's address and port: an IP parsed from a literal (never resolved: no DNS in protocol logic), or a
 * Tor v3 onion service ({@link OnionAddress}; then {@link #ip()} is null and the address is reachable only
 * through a SOCKS5 proxy). IPv4-mapped IPv6 literals become IPv4. {@link #host()} is the canonical text
 * form, as Chia's peer lists carry it.
 *
 * @param ip    the IP address; null exactly when {@code onion} is set
 * @param onion the onion service; null for an IP address
 */
public record PeerAddress(InetAddress ip, int port, OnionAddress onion) {
    /** Longest IP host string accepted from a peer list (Chia skips hosts over 45 characters; onion names are 62). */
    public static final int MAX_HOST_CHARS = 45;

    private static final java.util.regex.Pattern DOTTED_QUAD =
            java.util.regex.Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    public PeerAddress {
        if ((ip == null) == (onion == null)) {
            throw new IllegalArgumentException("exactly one of ip and onion is required");
        }
        if ((port & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("port must be 0..65535 but was " + port);
        }
    }

    public PeerAddress(InetAddress ip, int port) {
        this(ip, port, null);
    }

    public static PeerAddress onion(OnionAddress onion, int port) {
        return new PeerAddress(null, port, onion);
    }

    /**
     * Parses an IP literal (IPv4 dotted quad without leading zeros, or IPv6, brackets allowed) or a v3
     * onion name; empty if it is neither. Never resolves names.
     */
    public static Optional<PeerAddress> parse(String host, int port) {
        if (host != null && (port & ~0xFFFF) == 0 && OnionAddress.looksLikeOnion(host)) {
            return OnionAddress.parse(host).map(o -> onion(o, port));
        }
        if (host == null || host.isEmpty() || host.length() > MAX_HOST_CHARS + 2 || (port & ~0xFFFF) != 0) {
            return Optional.empty();
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') < 0 && !DOTTED_QUAD.matcher(h).matches()) {
            return Optional.empty(); // refuse the shorthand forms "127.1" or "1" that Python's ipaddress refuses too
        }
        try {
            return Optional.of(new PeerAddress(InetAddress.ofLiteral(h), port));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static PeerAddress of(String host, int port) {
        return parse(host, port).orElseThrow(() -> new IllegalArgumentException("not an IP literal: '" + host + "'"));
    }

    public boolean isIpv4() {
        return ip instanceof Inet4Address;
    }

    public boolean isOnion() {
        return onion != null;
    }

    public String host() {
        return onion != null ? onion.host() : ip.getHostAddress();
    }

    /**
     * Chia's {@code get_key}: IPv4 as {@code 2002:} ‖ 4 address bytes ‖ 10 zero bytes, IPv6 as its 16
     * bytes, then the port as u16. An onion: {@code 04} ‖ its 32-byte key ‖ port (34 bytes, so never
     * equal to an IP's key).
     */
    public byte[] key() {
        if (onion != null) {
            byte[] out = new byte[35];
            out[0] = 4;
            System.arraycopy(onion.publicKey(), 0, out, 1, 32);
            out[33] = (byte) (port >>> 8);
            out[34] = (byte) port;
            return out;
        }
        byte[] out = new byte[18];
        byte[] a = ip.getAddress();
        if (a.length == 4) {
            out[0] = 0x20;
            out[1] = 0x02;
            System.arraycopy(a, 0, out, 2, 4);
        } else {
            System.arraycopy(a, 0, out, 0, 16);
        }
        out[16] = (byte) (port >>> 8);
        out[17] = (byte) port;
        return out;
    }

    /**
     * Chia's {@code get_group}: {@code 01} ‖ first 2 bytes for IPv4 (/16), {@code 00} ‖ first 4 for IPv6 (/32);
     * an onion {@code 04} ‖ the top 4 bits of its key (Bitcoin Core's onion grouping: anyone can make
     * onion names, so they share 16 groups).
     */
    public byte[] group() {
        if (onion != null) {
            return new byte[] {4, (byte) ((onion.publicKey()[0] & 0xFF) >>> 4)};
        }
        byte[] a = ip.getAddress();
        if (a.length == 4) {
            return new byte[] {1, a[0], a[1]};
        }
        return new byte[] {0, a[0], a[1], a[2], a[3]};
    }

    /** Python {@code ipaddress.is_private} (the ranges Chia refuses unless private subnets are allowed). */
    public boolean isPrivate() {
        if (onion != null) {
            return false;
        }
        byte[] a = ip.getAddress();
        if (a.length == 4) {
            return isPrivateV4(a);
        }
        int b0 = a[0] & 0xFF;
        int b1 = a[1] & 0xFF;
        boolean allZeroButLast = true;
        for (int i = 0; i < 15; i++) {
            allZeroButLast &= a[i] == 0;
        }
        if (allZeroButLast && ((a[15] & 0xFF) <= 1)) {
            return true; // :: and ::1
        }
        if ((b0 & 0xFE) == 0xFC) {
            return true; // fc00::/7
        }
        if (b0 == 0xFE && (b1 & 0xC0) == 0x80) {
            return true; // fe80::/10
        }
        if (b0 == 0x01 && b1 == 0 && a[2] == 0 && a[3] == 0 && a[4] == 0 && a[5] == 0 && a[6] == 0 && a[7] == 0) {
            return true; // 100::/64
        }
        if (b0 == 0x20 && b1 == 0x01) {
            int b2 = a[2] & 0xFF;
            int b3 = a[3] & 0xFF;
            return b2 == 0x0D && b3 == 0xB8 // 2001:db8::/32
                    || b2 < 0x02; // 2001::/23 (includes 2001:10::/28)
        }
        return false;
    }

    private static boolean isPrivateV4(byte[] a) {
        int b0 = a[0] & 0xFF;
        int b1 = a[1] & 0xFF;
        int b2 = a[2] & 0xFF;
        int b3 = a[3] & 0xFF;
        return b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 240
                || (b0 == 169 && b1 == 254)
                || (b0 == 172 && (b1 & 0xF0) == 16)
                || (b0 == 192 && b1 == 168)
                || (b0 == 192 && b1 == 0 && b2 == 0 && (b3 < 8 || b3 == 170 || b3 == 171))
                || (b0 == 192 && b1 == 0 && b2 == 2)
                || (b0 == 198 && (b1 & 0xFE) == 18)
                || (b0 == 198 && b1 == 51 && b2 == 100)
                || (b0 == 203 && b1 == 0 && b2 == 113);
    }

    /** Loopback (127/8, ::1). */
    public boolean isLoopback() {
        return ip != null && ip.isLoopbackAddress();
    }

    @Override
    public String toString() {
        return isIpv4() || isOnion() ? host() + ":" + port : "[" + host() + "]:" + port;
    }
}
