package net.dig.gossip;

import java.util.Optional;

/**
 * Which group an address counts against when spreading outbound connections and address-book buckets:
 * its autonomous system when an {@link Asmap} is loaded and covers it, else its /16 (IPv6 /32) as in
 * {@link PeerAddress#group()}. One AS often announces many /16s, so the AS rule is the stronger of the two
 * where it applies (Bitcoin Core's {@code -asmap}).
 *
 * <pre>
 *  group = 02 ‖ u32le(asn)        when the map covers the address (asn != 0)
 *        = PeerAddress.group()    otherwise (01 ‖ /16, 00 ‖ /32, 04 ‖ first 4 bits of an onion key)
 * </pre>
 * The {@code 02} prefix keeps AS groups apart from the others.
 *
 * <p>Concurrency: immutable. Failure modes: none; an address the map does not cover falls back to its /16.
 */
public final class AddressGroups {
    private static final AddressGroups PREFIX_ONLY = new AddressGroups(Optional.empty());

    private final Optional<Asmap> asmap;

    private AddressGroups(Optional<Asmap> asmap) {
        this.asmap = asmap;
    }

    /** The /16 rule alone. */
    public static AddressGroups prefixOnly() {
        return PREFIX_ONLY;
    }

    public static AddressGroups of(Optional<Asmap> asmap) {
        return asmap.isEmpty() ? PREFIX_ONLY : new AddressGroups(asmap);
    }

    public Optional<Asmap> asmap() {
        return asmap;
    }

    /** The AS number of {@code address}, 0 when unknown (no map, an onion, or not covered). */
    public long asn(PeerAddress address) {
        if (asmap.isEmpty() || address.isOnion()) {
            return 0;
        }
        return asmap.get().lookup(address.ip());
    }

    public byte[] group(PeerAddress address) {
        long asn = asn(address);
        if (asn == 0) {
            return address.group();
        }
        return new byte[] {2, (byte) asn, (byte) (asn >>> 8), (byte) (asn >>> 16), (byte) (asn >>> 24)};
    }

    /** The group in words, for a refusal message: {@code "AS64500"} or {@code "/16 10.20"}. */
    public String describe(PeerAddress address) {
        long asn = asn(address);
        if (asn != 0) {
            return "AS" + asn;
        }
        if (address.isOnion()) {
            return "onion group " + (address.group()[1] & 0xFF);
        }
        byte[] g = address.group();
        if (g[0] == 1) {
            return "/16 " + (g[1] & 0xFF) + "." + (g[2] & 0xFF);
        }
        return "/32 " + java.util.HexFormat.of().formatHex(g, 1, 5);
    }
}
