package net.dig.gossip;

import java.net.InetAddress;
import java.util.HexFormat;

/**
 * The network group an address belongs to, for spreading connections over many operators: an IPv4
 * address's /16, an IPv6 address's /32 (the groups of Chia's and Bitcoin Core's address managers,
 * {@link PeerAddress#group()}).
 *
 * <p>Loopback is the exception: every loopback address ({@code 127.0.0.0/8}, {@code ::1}) is a group of its
 * own. Nothing outside the machine can use one, and it lets one host stand for many sources (tests and
 * local devnets bind 127.0.0.2, 127.0.0.3, ... as distinct peers).
 *
 * @param key the group's canonical text, e.g. {@code "4:10.20"}, {@code "6:20010db8"}, {@code "lo:127.0.0.7"}
 */
public record Netgroup(String key) {
    public static Netgroup of(InetAddress address) {
        byte[] a = address.getAddress();
        if (address.isLoopbackAddress()) {
            return new Netgroup("lo:" + address.getHostAddress());
        }
        if (a.length == 4) {
            return new Netgroup("4:" + (a[0] & 0xFF) + "." + (a[1] & 0xFF));
        }
        return new Netgroup("6:" + HexFormat.of().formatHex(a, 0, 4));
    }
}
