package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.dig.core.Bytes32;
import net.dig.wire.Capability;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import org.junit.jupiter.api.Test;

class HandshakeRulesTest {
    private static final String NET = "0".repeat(64);
    private static final PeerId ME = new PeerId(Bytes32.fromHex("01".repeat(32)));
    private static final PeerId THEM = new PeerId(Bytes32.fromHex("02".repeat(32)));
    private static final HandshakeRules RULES = new HandshakeRules(HandshakeRules.Settings.of(NET));
    private static final List<Capability> CAPS = List.of(Capability.enabled(1), Capability.enabled(2), Capability.enabled(3));

    private static HandshakeRules.Context dialing() {
        return new HandshakeRules.Context(true, EnumSet.of(NodeType.FULL_NODE), ME, THEM, false, false);
    }

    private static HandshakeRules.Context accepting() {
        return new HandshakeRules.Context(false, Set.of(), ME, THEM, false, false);
    }

    private static Handshake hs(String net, String proto, String soft, int type, List<Capability> caps) {
        return new Handshake(net, proto, soft, 9444, type, caps);
    }

    private static CloseReason rejected(HandshakeRules.Verdict v) {
        assertThat(v).isInstanceOf(HandshakeRules.Rejected.class);
        return ((HandshakeRules.Rejected) v).reason();
    }

    @Test
    void acceptsTheDigListenerHandshakeAndParsesCapabilities() {
        var v = RULES.evaluate(hs(NET, "0.0.37", "dig-gossip/0.28.0", 1, CAPS).toMessage(), dialing());
        assertThat(v).isInstanceOf(HandshakeRules.Accepted.class);
        var a = (HandshakeRules.Accepted) v;
        assertThat(a.nodeType()).isEqualTo(NodeType.FULL_NODE);
        assertThat(a.enabledCapabilities()).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(a.rateLimitsV2()).isTrue();
    }

    @Test
    void capabilitiesOtherThanOneAreIgnoredAndV2NeedsBothSides() {
        var v = (HandshakeRules.Accepted) RULES.evaluate(
                hs(NET, "0.0.36", "x", 6, List.of(new Capability(3, "0"), new Capability(999, "1"))), accepting());
        assertThat(v.enabledCapabilities()).containsExactly(999);
        assertThat(v.rateLimitsV2()).isFalse();
    }

    @Test
    void wrongFirstMessageOrUndecodableHandshakeIsInvalid() {
        assertThat(rejected(RULES.evaluate(Message.of(43, new byte[0]), accepting()))).isEqualTo(CloseReason.INVALID_HANDSHAKE);
        assertThat(rejected(RULES.evaluate(Message.of(1, new byte[] {0, 0, 0, 9}), accepting()))).isEqualTo(CloseReason.INVALID_HANDSHAKE);
        byte[] trailing = java.util.Arrays.copyOf(hs(NET, "0.0.36", "x", 1, CAPS).encode(), hs(NET, "0.0.36", "x", 1, CAPS).encode().length + 1);
        assertThat(rejected(RULES.evaluate(Message.of(1, trailing), accepting()))).isEqualTo(CloseReason.INVALID_HANDSHAKE);
    }

    @Test
    void networkIdMustMatchExactly() {
        var r = RULES.evaluate(hs("mainnet", "0.0.36", "2.5.0", 1, CAPS), accepting());
        assertThat(rejected(r)).isEqualTo(CloseReason.INCOMPATIBLE_NETWORK_ID);
        assertThat(((HandshakeRules.Rejected) r).detail()).contains("'mainnet'");
        assertThat(rejected(RULES.evaluate(hs("", "0.0.36", "2.5.0", 1, CAPS), accepting()))).isEqualTo(CloseReason.INCOMPATIBLE_NETWORK_ID);
        assertThat(CloseReason.INCOMPATIBLE_NETWORK_ID.closePayload()).isEqualTo("110");
    }

    @Test
    void protocolVersionFloorAndFormat() {
        assertThat(RULES.evaluate(hs(NET, "0.0.30", "x", 1, CAPS), accepting())).isInstanceOf(HandshakeRules.Accepted.class);
        assertThat(RULES.evaluate(hs(NET, "0.1.0", "x", 1, CAPS), accepting())).isInstanceOf(HandshakeRules.Accepted.class);
        assertThat(rejected(RULES.evaluate(hs(NET, "0.0.29", "x", 1, CAPS), accepting()))).isEqualTo(CloseReason.INCOMPATIBLE_PROTOCOL_VERSION);
        for (String bad : List.of("", "0.0", "0.0.36.1", "a.b.c", "0..36", "0.0.-1", "0.0.3x")) {
            assertThat(rejected(RULES.evaluate(hs(NET, bad, "x", 1, CAPS), accepting()))).as(bad)
                    .isEqualTo(CloseReason.INCOMPATIBLE_PROTOCOL_VERSION);
        }
    }

    @Test
    void softwareVersionIsSanitisedAndCapped() {
        assertThat(HandshakeRules.sanitizeVersion("1.0\u0000\u0007\u200b\u202e\uFEFF-beta\n")).isEqualTo("1.0-beta");
        assertThat(HandshakeRules.sanitizeVersion("é".repeat(64))).isEqualTo("é".repeat(64));
        assertThat(HandshakeRules.sanitizeVersion("é".repeat(64) + "x")).isNull();
        var a = (HandshakeRules.Accepted) RULES.evaluate(hs(NET, "0.0.36", "chia\u200b 2.5", 1, CAPS), accepting());
        assertThat(a.sanitizedSoftwareVersion()).isEqualTo("chia 2.5");
        assertThat(rejected(RULES.evaluate(hs(NET, "0.0.36", "x".repeat(129), 1, CAPS), accepting())))
                .isEqualTo(CloseReason.INVALID_HANDSHAKE);
    }

    @Test
    void nodeTypeRules() {
        assertThat(rejected(RULES.evaluate(hs(NET, "0.0.36", "x", 99, CAPS), accepting()))).isEqualTo(CloseReason.INVALID_NODE_TYPE);
        // A dialer expecting a full node refuses a wallet (dig-gossip dialer check).
        assertThat(rejected(RULES.evaluate(hs(NET, "0.0.36", "x", 6, CAPS), dialing()))).isEqualTo(CloseReason.INVALID_NODE_TYPE);
        // A listener accepts any known type by default.
        assertThat(RULES.evaluate(hs(NET, "0.0.36", "x", 6, CAPS), accepting())).isInstanceOf(HandshakeRules.Accepted.class);
        var fullOnly = new HandshakeRules(new HandshakeRules.Settings(NET, "0.0.30", EnumSet.of(NodeType.FULL_NODE), CAPS));
        assertThat(rejected(fullOnly.evaluate(hs(NET, "0.0.36", "x", 2, CAPS), accepting()))).isEqualTo(CloseReason.INVALID_NODE_TYPE);
    }

    @Test
    void selfDuplicateAndBannedPeers() {
        Handshake ok = hs(NET, "0.0.36", "x", 1, CAPS);
        assertThat(rejected(RULES.evaluate(ok, new HandshakeRules.Context(false, Set.of(), ME, ME, false, false))))
                .isEqualTo(CloseReason.SELF_CONNECTION);
        assertThat(rejected(RULES.evaluate(ok, new HandshakeRules.Context(false, Set.of(), ME, THEM, true, false))))
                .isEqualTo(CloseReason.DUPLICATE_CONNECTION);
        assertThat(rejected(RULES.evaluate(ok, new HandshakeRules.Context(false, Set.of(), ME, THEM, false, true))))
                .isEqualTo(CloseReason.BANNED);
    }

    @Test
    void localHandshakeCarriesOurSettings() {
        Handshake h = RULES.localHandshake("0.0.37", "dig-node/0.1", 9444, NodeType.FULL_NODE);
        assertThat(h.networkId()).isEqualTo(NET);
        assertThat(h.capabilities()).isEqualTo(CAPS);
        assertThat(h.hasCapability(Capability.RATE_LIMITS_V3)).isFalse();
    }

    /** The published golden handshakes (wire vectors) pass the rules they were written for. */
    @Test
    void goldenHandshakesFromTheWireVectors() {
        byte[] chia = java.util.HexFormat.of().parseHex("010000000041000000076d61696e6e657400000006302e302e333600000005322e352e30"
                + "20fc010000000400010000000131000200000001310003000000013100050000000131");
        var mainnet = new HandshakeRules(HandshakeRules.Settings.of("mainnet"));
        var v = (HandshakeRules.Accepted) mainnet.evaluate(
                Message.decode(chia, net.dig.wire.WireLimits.DEFAULT), dialing());
        assertThat(v.enabledCapabilities()).containsExactlyInAnyOrder(1, 2, 3, 5);
        assertThat(v.sanitizedSoftwareVersion()).isEqualTo("2.5.0");
        assertThat(v.rateLimitsV2()).isTrue();
        // The DIG dialer handshake (node_type WALLET) is accepted by a listener on the all-zero network.
        Handshake digDialer = new Handshake(NET, "0.0.37", "dig-gossip/0.28.0", 0, NodeType.WALLET.code(), CAPS);
        assertThat(RULES.evaluate(digDialer.toMessage(), accepting())).isInstanceOf(HandshakeRules.Accepted.class);
        assertThat(rejected(mainnet.evaluate(digDialer.toMessage(), accepting()))).isEqualTo(CloseReason.INCOMPATIBLE_NETWORK_ID);
    }

    @Test
    void ofTwoConnectionsDialledAtOnceBothSidesKeepTheOneTheSmallerPeerIdDialled() {
        PeerId small = ME;
        PeerId large = THEM;
        // connection s->l (dialled by the smaller) and l->s (by the larger), each side admitting either first
        // at the smaller: s->l is outbound, l->s inbound; at the larger: s->l inbound, l->s outbound
        assertThat(HandshakeRules.supersedes(true, false, small, large)).as("small: s->l after l->s").isTrue();
        assertThat(HandshakeRules.supersedes(false, true, small, large)).as("small: l->s after s->l").isFalse();
        assertThat(HandshakeRules.supersedes(false, true, large, small)).as("large: s->l after l->s").isTrue();
        assertThat(HandshakeRules.supersedes(true, false, large, small)).as("large: l->s after s->l").isFalse();
        // a second connection the same way is a plain duplicate on either side
        assertThat(HandshakeRules.supersedes(true, true, small, large)).isFalse();
        assertThat(HandshakeRules.supersedes(false, false, small, large)).isFalse();
        assertThat(HandshakeRules.supersedes(true, true, large, small)).isFalse();
        assertThat(HandshakeRules.supersedes(false, false, large, small)).isFalse();
    }

    @Test
    void whateverTheOrderOfAdmissionBothSidesEndOnTheSameConnection() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int trial = 0; trial < 1000; trial++) {
            byte[] x = new byte[32];
            byte[] y = new byte[32];
            random.nextBytes(x);
            random.nextBytes(y);
            PeerId a = new PeerId(Bytes32.wrap(x));
            PeerId b = new PeerId(Bytes32.wrap(y));
            if (a.equals(b)) {
                continue;
            }
            // true = the connection a dialled; each side admits its first finished handshake, then the other
            for (boolean aFirstOwn : new boolean[] {true, false}) {
                for (boolean bFirstOwn : new boolean[] {true, false}) {
                    boolean keptAtA = keep(a, b, aFirstOwn);
                    boolean keptAtB = !keep(b, a, bFirstOwn);
                    assertThat(keptAtA).as("a and b keep the same connection").isEqualTo(keptAtB);
                    assertThat(keptAtA).as("the one the smaller dialled").isEqualTo(a.compareTo(b) < 0);
                }
            }
        }
    }

    /** At {@code own}: true if the connection {@code own} dialled survives, when {@code ownFirst} says which was admitted first. */
    private static boolean keep(PeerId own, PeerId remote, boolean ownFirst) {
        boolean firstOutbound = ownFirst;
        boolean secondOutbound = !ownFirst;
        boolean secondWins = HandshakeRules.supersedes(secondOutbound, firstOutbound, own, remote);
        return secondWins ? secondOutbound : firstOutbound;
    }
}
