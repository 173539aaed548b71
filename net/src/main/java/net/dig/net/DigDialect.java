package net.dig.net;

import java.util.Locale;
import net.dig.wire.DigMessageType;

/**
 * Which peers may receive DIG opcodes (the DIG band, {@link DigMessageType#isDigBand}: 200..254; 255 is
 * Chia's {@code error}, which any peer may receive).
 *
 * <p>Why: a Chia node closes the connection (WS 1002, and a 10 s ban for non-loopback peers) on any
 * message type it does not know, which is every DIG opcode (interop/README.md, "Chia drops DIG
 * opcodes"). A DIG frame may therefore only go to a peer that showed in its handshake that it speaks
 * DIG.
 *
 * <p>The signal: the handshake's {@code software_version} starts with {@code "dig-"} (ASCII, any
 * case). Every DIG implementation sends such a string by default: dig-gossip
 * {@code "dig-gossip/<version>"} (docs/formats/wire.md), our node
 * {@code "dig-node/<version>"}, the interop peer {@code "dig-interop-peer/<version>"}; Chia sends its
 * bare version ({@code "2.7.5"}). Nothing else in dig-gossip's handshake sets it apart: it
 * advertises Chia's capabilities (1, 2, 3) only, and its protocol version {@code "0.0.37"} is also
 * what chia-sdk-client wallets and Chia's SOLVER send. A DIG peer configured with another software
 * version is treated as Chia: it receives no DIG frames, which costs features but never the
 * connection.
 *
 * <p>Pure functions; no state.
 */
final class DigDialect {
    private static final String MARKER = "dig-";

    private DigDialect() {}

    /** True when a peer whose handshake carried {@code softwareVersion} speaks DIG. */
    static boolean speaksDig(String softwareVersion) {
        return softwareVersion != null && softwareVersion.length() >= MARKER.length()
                && softwareVersion.substring(0, MARKER.length()).toLowerCase(Locale.ROOT).equals(MARKER);
    }

    /**
     * True when a peer speaks this node's own opcodes (240, docs/decisions.md D31a), which other DIG
     * implementations do not define: its software version starts with {@code "dig-node/"}.
     */
    static boolean speaksNodeMessages(String softwareVersion) {
        return softwareVersion != null && softwareVersion.startsWith("dig-node/");
    }

    /** True when a frame of {@code rawType} may be sent to a peer with that software version. */
    static boolean maySend(int rawType, String softwareVersion) {
        if (rawType == DigMessageType.DIG_NODE_MESSAGE.code() || rawType == DigMessageType.DIG_DHT.code()
                || rawType == DigMessageType.DIG_RELAY.code()) {
            return speaksNodeMessages(softwareVersion);
        }
        return !DigMessageType.isDigBand(rawType) || speaksDig(softwareVersion);
    }
}
