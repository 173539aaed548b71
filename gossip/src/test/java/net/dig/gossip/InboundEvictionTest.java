package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InboundEvictionTest {
    private static final InboundEviction BITCOIN = new InboundEviction(InboundEviction.Settings.DEFAULT, 42);
    private static final InboundEviction NONE_PROTECTED = new InboundEviction(new InboundEviction.Settings(0, 0, 0, 0), 42);

    private static Netgroup group(String ip) throws Exception {
        return Netgroup.of(InetAddress.getByName(ip));
    }

    @Test
    void netgroupsAreSlash16ForIpv4AndSlash32ForIpv6AndEachLoopbackAddressIsItsOwn() throws Exception {
        assertThat(group("10.20.1.1")).isEqualTo(group("10.20.250.9"));
        assertThat(group("10.20.1.1")).isNotEqualTo(group("10.21.1.1"));
        assertThat(group("2001:db8:1::1")).isEqualTo(group("2001:db8:ffff::2"));
        assertThat(group("2001:db8::1")).isNotEqualTo(group("2001:db9::1"));
        assertThat(group("127.0.0.2")).isNotEqualTo(group("127.0.0.3"));
        assertThat(group("::1")).isNotEqualTo(group("127.0.0.1"));
    }

    @Test
    void withNothingProtectedTheYoungestOfTheMostRepresentedGroupGoes() throws Exception {
        List<InboundEviction.Peer<String>> peers = List.of(
                new InboundEviction.Peer<>("a1", group("10.1.0.1"), 100, 5, 0),
                new InboundEviction.Peer<>("b1", group("10.2.0.1"), 200, 5, 0),
                new InboundEviction.Peer<>("b2", group("10.2.0.2"), 900, 5, 0),
                new InboundEviction.Peer<>("b3", group("10.2.0.3"), 300, 5, 0),
                new InboundEviction.Peer<>("c1", group("10.3.0.1"), 1000, 5, 0));
        assertThat(NONE_PROTECTED.established(peers)).contains("b2");
    }

    @Test
    void aTieBetweenGroupsGoesToTheGroupWithTheYoungestMember() throws Exception {
        List<InboundEviction.Peer<String>> peers = List.of(
                new InboundEviction.Peer<>("a1", group("10.1.0.1"), 100, 5, 0),
                new InboundEviction.Peer<>("a2", group("10.1.0.2"), 500, 5, 0),
                new InboundEviction.Peer<>("b1", group("10.2.0.1"), 200, 5, 0),
                new InboundEviction.Peer<>("b2", group("10.2.0.2"), 800, 5, 0));
        assertThat(NONE_PROTECTED.established(peers)).contains("b2");
    }

    @Test
    void fastUsefulAndLongConnectedPeersAndOnePerGroupAreProtected() throws Exception {
        List<InboundEviction.Peer<String>> peers = new ArrayList<>();
        // 30 attackers from one /16, young, slow, never useful
        for (int i = 0; i < 30; i++) {
            peers.add(new InboundEviction.Peer<>("attacker" + i, group("192.168.0." + (i + 1)), 10_000 + i, 200, 0));
        }
        // honest peers, each in its own group, each with one quality
        peers.add(new InboundEviction.Peer<>("fast", group("10.1.0.1"), 20_000, 1, 0));
        peers.add(new InboundEviction.Peer<>("useful", group("10.2.0.1"), 20_001, 300, 19_999));
        peers.add(new InboundEviction.Peer<>("old", group("10.3.0.1"), 1, 300, 0));
        Optional<String> victim = BITCOIN.established(peers);
        assertThat(victim).isPresent();
        assertThat(victim.get()).startsWith("attacker");
        // the youngest attacker that no rule protected
        assertThat(victim.get()).isEqualTo("attacker29");
    }

    @Test
    void nobodyIsEvictedWhenEveryCandidateIsProtected() throws Exception {
        List<InboundEviction.Peer<String>> peers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            peers.add(new InboundEviction.Peer<>("p" + i, group("10." + i + ".0.1"), i, 10 + i, 0));
        }
        assertThat(BITCOIN.established(peers)).isEmpty();
        assertThat(BITCOIN.established(List.<InboundEviction.Peer<String>>of())).isEmpty();
    }

    @Test
    void theProtectedGroupsDependOnTheSecret() throws Exception {
        InboundEviction.Settings onlyGroups = new InboundEviction.Settings(1, 0, 0, 0);
        List<InboundEviction.Peer<String>> peers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            peers.add(new InboundEviction.Peer<>("p" + i, group("10." + i + ".0.1"), 100, 5, 0));
        }
        java.util.Set<String> victims = new java.util.HashSet<>();
        for (long secret = 0; secret < 64; secret++) {
            victims.add(new InboundEviction(onlyGroups, secret).established(peers).orElseThrow());
        }
        assertThat(victims).as("one group protected, a different one for different secrets").hasSizeGreaterThan(1);
    }

    @Test
    void aNewcomerDisplacesAHandshakeOnlyFromAGroupLargerThanItsOwn() throws Exception {
        Netgroup flood = group("10.9.0.1");
        List<InboundEviction.Pending<Integer>> pending = List.of(
                new InboundEviction.Pending<>(1, flood, 0, 1),
                new InboundEviction.Pending<>(2, flood, 1, 2),
                new InboundEviction.Pending<>(3, flood, 0, 3),
                new InboundEviction.Pending<>(4, group("10.8.0.1"), 0, 0));
        assertThat(InboundEviction.pending(pending, flood)).as("the flooding group cannot displace itself").isEmpty();
        assertThat(InboundEviction.pending(pending, group("10.7.0.1"))).as("least progress, then oldest").contains(1);
        List<InboundEviction.Pending<Integer>> singles = List.of(
                new InboundEviction.Pending<>(1, group("127.0.0.2"), 1, 1),
                new InboundEviction.Pending<>(2, group("127.0.0.3"), 0, 2),
                new InboundEviction.Pending<>(3, group("127.0.0.4"), 0, 3));
        assertThat(InboundEviction.pending(singles, group("127.0.0.1"))).contains(2);
        assertThat(InboundEviction.pending(singles, group("127.0.0.2"))).isEmpty();
        assertThat(InboundEviction.pending(List.<InboundEviction.Pending<Integer>>of(), flood)).isEmpty();
    }
}
