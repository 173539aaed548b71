package net.dig.gossip;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles a prefix table (longest prefix wins, uncovered space unmapped) into {@link Asmap}'s bit format:
 * a binary trie where a branch with both sides distinct is a JUMP, a side that equals the current default
 * is skipped with a one-bit MATCH (preceded by a DEFAULT when the covered value changes), and a uniform
 * subtree is a RETURN. {@link #main} writes the repository's test map.
 */
final class AsmapBuilder {
    /** The test map, {@code src/test/resources/net/dig/gossip/test.asmap}. */
    static final Map<String, Long> TEST_MAP = Map.of(
            "10.0.0.0/8", 64500L,
            "10.20.0.0/16", 64501L,
            "10.21.0.0/16", 64501L,
            "192.0.2.0/24", 64502L,
            "198.51.100.0/24", 64502L,
            "2001:db8::/32", 64503L,
            "2001:db8:1::/48", 64504L);

    private static final class Node {
        long asn;
        Node zero;
        Node one;
    }

    private final Node root = new Node();

    AsmapBuilder add(String cidr, long asn) {
        String[] parts = cidr.split("/");
        byte[] address = Asmap.addressBits(InetAddress.ofLiteral(parts[0]));
        int length = Integer.parseInt(parts[1]) + (address.length == 16 && parts[0].indexOf(':') < 0 ? 96 : 0);
        Node n = root;
        for (int i = 0; i < length; i++) {
            boolean bit = ((address[i >>> 3] >>> (7 - (i & 7))) & 1) != 0;
            if (bit) {
                n = n.one == null ? (n.one = new Node()) : n.one;
            } else {
                n = n.zero == null ? (n.zero = new Node()) : n.zero;
            }
        }
        n.asn = asn;
        return this;
    }

    static AsmapBuilder of(Map<String, Long> prefixes) {
        AsmapBuilder b = new AsmapBuilder();
        prefixes.forEach(b::add);
        return b;
    }

    byte[] build() {
        List<Boolean> bits = new ArrayList<>();
        encode(root, 0, 0, bits);
        byte[] out = new byte[(bits.size() + 7) / 8];
        for (int i = 0; i < bits.size(); i++) {
            if (bits.get(i)) {
                out[i >>> 3] |= (byte) (1 << (i & 7));
            }
        }
        return out;
    }

    /** The single value of a subtree, if it has one. */
    private static Optional<Long> uniform(Node n, long inherited) {
        long eff = n == null || n.asn == 0 ? inherited : n.asn;
        if (n == null || (n.zero == null && n.one == null)) {
            return Optional.of(eff);
        }
        Optional<Long> a = uniform(n.zero, eff);
        Optional<Long> b = uniform(n.one, eff);
        return a.isPresent() && a.equals(b) ? a : Optional.empty();
    }

    private static void encode(Node n, long inherited, long currentDefault, List<Boolean> out) {
        long eff = n == null || n.asn == 0 ? inherited : n.asn;
        Optional<Long> all = uniform(n, inherited);
        if (all.isPresent()) {
            if (all.get() == 0) {
                throw new IllegalArgumentException("an unmapped subtree must be skipped by its parent");
            }
            instruction(Asmap.RETURN, out);
            number(all.get(), Asmap.ASN_MIN, Asmap.ASN_WIDTHS, out);
            return;
        }
        Optional<Long> zeroSide = uniform(n.zero, eff);
        Optional<Long> oneSide = uniform(n.one, eff);
        for (int side = 0; side < 2; side++) {
            Optional<Long> skipped = side == 0 ? zeroSide : oneSide;
            Node other = side == 0 ? n.one : n.zero;
            if (skipped.isPresent() && (skipped.get() == currentDefault || (eff != 0 && skipped.get() != 0))) {
                if (skipped.get() != currentDefault) {
                    instruction(Asmap.DEFAULT, out);
                    number(skipped.get(), Asmap.ASN_MIN, Asmap.ASN_WIDTHS, out);
                }
                instruction(Asmap.MATCH, out);
                number(side == 0 ? 3 : 2, Asmap.MATCH_MIN, Asmap.MATCH_WIDTHS, out); // pattern: the other side's bit
                encode(other, eff, skipped.get(), out);
                return;
            }
        }
        List<Boolean> left = new ArrayList<>();
        encode(n.zero, eff, currentDefault, left);
        instruction(Asmap.JUMP, out);
        number(left.size(), Asmap.JUMP_MIN, Asmap.JUMP_WIDTHS, out);
        out.addAll(left);
        encode(n.one, eff, currentDefault, out);
    }

    private static void instruction(int opcode, List<Boolean> out) {
        number(opcode, 0, Asmap.TYPE_WIDTHS, out);
    }

    static void number(long value, long minimum, int[] widths, List<Boolean> out) {
        long v = value - minimum;
        for (int k = 0; k < widths.length; k++) {
            boolean last = k + 1 == widths.length;
            if (!last && v >= (1L << widths[k])) {
                out.add(true);
                v -= 1L << widths[k];
                continue;
            }
            if (!last) {
                out.add(false);
            }
            for (int b = widths[k] - 1; b >= 0; b--) {
                out.add(((v >>> b) & 1) != 0);
            }
            return;
        }
    }

    /** Writes the test map to the path given (the repository's {@code test.asmap}). */
    public static void main(String[] args) throws Exception {
        Files.write(Path.of(args[0]), of(TEST_MAP).build());
    }
}
