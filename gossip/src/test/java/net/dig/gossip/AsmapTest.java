package net.dig.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AsmapTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static long as(Asmap map, String ip) {
        return map.lookup(InetAddress.ofLiteral(ip));
    }

    /** RETURN(ASN 1): opcode bit 0, ASN class bit 0, 15 value bits 0; 7 bits of padding. */
    @Test
    void everythingInOneAs() {
        Asmap map = Asmap.decode(hex("00 00 00"));
        assertEquals(1, as(map, "10.1.2.3"));
        assertEquals(1, as(map, "2001:db8::1"));
    }

    /** RETURN(ASN 2): the last of the 15 value bits (bit 16, byte 2 bit 0) is 1. */
    @Test
    void returnCarriesItsAsn() {
        assertEquals(2, as(Asmap.decode(hex("00 00 01")), "8.8.8.8"));
    }

    /**
     * JUMP(17) RETURN(1) RETURN(2): opcode bits 1 0, jump class bit 0 and 5 zero bits (17 = the minimum),
     * then the two 17-bit RETURNs; the second ends in bit 41 (byte 5 bit 1). The first address bit picks.
     */
    @Test
    void jumpSplitsOnTheNextAddressBit() {
        Asmap map = Asmap.decode(hex("01 00 00 00 00 02"));
        assertEquals(1, as(map, "10.0.0.1"), "IPv4 is ::ffff:0:0/96, first bit 0");
        assertEquals(1, as(map, "2001:db8::1"));
        assertEquals(2, as(map, "8000::1"));
        assertEquals(2, as(map, "ff02::1"));
    }

    /**
     * DEFAULT(5) MATCH(0b11) RETURN(7): bits 0-2 = 1 1 1 (DEFAULT), ASN 5 has value 4 (bit 16), MATCH
     * opcode 1 1 0 (bits 19-21), match 3 = class bit 0 then 1 (bit 23), RETURN 7 has value 6 (bits 38, 39).
     */
    @Test
    void failedMatchAnswersTheDefault() {
        Asmap map = Asmap.decode(hex("07 00 99 00 C0 00"));
        assertEquals(7, as(map, "8000::1"));
        assertEquals(5, as(map, "10.0.0.1"));
    }

    @Test
    void unmappedSpaceIsZero() {
        Asmap map = Asmap.decode(AsmapBuilder.of(Map.of("10.0.0.0/8", 64500L)).build());
        assertEquals(64500, as(map, "10.255.0.1"));
        assertEquals(0, as(map, "11.0.0.1"));
        assertEquals(0, as(map, "2001:db8::1"));
    }

    @Test
    void refusesMalformedMaps() {
        assertThrows(IllegalArgumentException.class, () -> Asmap.decode(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Asmap.decode(hex("00 00")), "truncated RETURN");
        assertThrows(IllegalArgumentException.class, () -> Asmap.decode(hex("00 00 02")), "non-zero padding");
        assertThrows(IllegalArgumentException.class, () -> Asmap.decode(hex("00 00 00 00")), "more than 7 bits of padding");
        assertThrows(IllegalArgumentException.class, () -> Asmap.decode(hex("01 00 00 00")), "JUMP without its right branch");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Asmap.decode(hex("03 00 00 00 00 02")), "JUMP(18) lands one bit past its left branch");
        assertTrue(e.getMessage().startsWith("malformed asmap at bit "), e.getMessage());
    }

    /** The repository's test map is what the builder makes of {@link AsmapBuilder#TEST_MAP}, and answers as the table says. */
    @Test
    void repositoryTestMap() throws Exception {
        byte[] file;
        try (InputStream in = AsmapTest.class.getResourceAsStream("test.asmap")) {
            file = in.readAllBytes();
        }
        assertArrayEquals(AsmapBuilder.of(AsmapBuilder.TEST_MAP).build(), file);
        Asmap map = Asmap.decode(file);
        assertEquals(64500, as(map, "10.1.2.3"));
        assertEquals(64501, as(map, "10.20.9.9"));
        assertEquals(64501, as(map, "10.21.0.1"));
        assertEquals(64500, as(map, "10.22.0.1"));
        assertEquals(64502, as(map, "192.0.2.77"));
        assertEquals(64502, as(map, "198.51.100.1"));
        assertEquals(0, as(map, "203.0.113.1"));
        assertEquals(64503, as(map, "2001:db8:2::1"));
        assertEquals(64504, as(map, "2001:db8:1::9"));
        assertEquals(0, as(map, "2001:db9::1"));
    }

    /** Random prefix tables: every lookup equals a longest-prefix match over the table. */
    @Test
    void builtMapsAgreeWithLongestPrefixMatch() {
        SplittableRandom random = new SplittableRandom(15);
        for (int round = 0; round < 200; round++) {
            Map<String, Long> table = new LinkedHashMap<>();
            int prefixes = 1 + random.nextInt(12);
            for (int i = 0; i < prefixes; i++) {
                int length = 1 + random.nextInt(24);
                int ip = random.nextInt() & (int) (0xFFFFFFFFL << (32 - length));
                table.put(v4(ip) + "/" + length, 1 + (long) random.nextInt(1 << 20));
            }
            Asmap map = Asmap.decode(AsmapBuilder.of(table).build());
            for (int probe = 0; probe < 200; probe++) {
                int ip = random.nextInt();
                assertEquals(longestPrefix(table, ip), as(map, v4(ip)), table + " at " + v4(ip));
            }
        }
    }

    private static long longestPrefix(Map<String, Long> table, int ip) {
        int best = -1;
        long asn = 0;
        for (Map.Entry<String, Long> e : table.entrySet()) {
            String[] p = e.getKey().split("/");
            int length = Integer.parseInt(p[1]);
            int net = InetAddressInts.v4(p[0]);
            int mask = (int) (0xFFFFFFFFL << (32 - length));
            if ((ip & mask) == net && length > best) {
                best = length;
                asn = e.getValue();
            }
        }
        return asn;
    }

    private static String v4(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
    }

    private static final class InetAddressInts {
        static int v4(String s) {
            byte[] a = InetAddress.ofLiteral(s).getAddress();
            return ((a[0] & 0xFF) << 24) | ((a[1] & 0xFF) << 16) | ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
        }
    }
}
