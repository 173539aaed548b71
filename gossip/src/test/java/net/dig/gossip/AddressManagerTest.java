package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.dig.core.Bytes32;
import net.dig.testkit.ManualClock;
import net.dig.wire.TimestampedPeerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressManagerTest {
    private static final Bytes32 KEY_MAX = Bytes32.fromHex("ff".repeat(32));
    private static final Bytes32 KEY_ONE = Bytes32.wrap(BigInteger.ONE.toByteArray().length == 1
            ? leftPad(new byte[] {1}) : new byte[32]);

    private final ManualClock clock = new ManualClock();
    private final SplittableRandom random = new SplittableRandom(42);

    private static byte[] leftPad(byte[] b) {
        byte[] out = new byte[32];
        System.arraycopy(b, 0, out, 32 - b.length, b.length);
        return out;
    }

    private long now() {
        return clock.epochSeconds();
    }

    private AddressManager book(boolean allowPrivate) {
        return new AddressManager(clock, random, KEY_MAX, allowPrivate);
    }

    private static PeerAddress a(String host, int port) {
        return PeerAddress.of(host, port);
    }

    private boolean add(AddressManager m, PeerAddress addr, PeerAddress src) {
        return m.add(addr, now() - 60, Optional.of(src), 0);
    }

    // ---- Chia address-manager vectors ------------------------------------------------------------

    @Test
    void keysAndGroupsAsChia() {
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(a("250.1.2.1", 9444).key())).isEqualTo("2002fa0102010000000000000000000024e4");
        assertThat(hex.formatHex(a("250.1.2.1", 9444).group())).isEqualTo("01fa01");
        assertThat(hex.formatHex(a("2001:db8::1", 9444).key())).isEqualTo("20010db800000000000000000000000124e4");
        assertThat(hex.formatHex(a("2001:db8::1", 9444).group())).isEqualTo("0020010db8");
        assertThat(a("::ffff:1.2.3.4", 1).isIpv4()).isTrue();
        assertThat(PeerAddress.parse("[2001:db8::1]", 1)).contains(a("2001:db8::1", 1));
        for (String bad : List.of("127.1", "1", "01.2.3.4", "1.2.3.256", "host.example", "", "1.2.3.4 ", "0x7f.0.0.1")) {
            assertThat(PeerAddress.parse(bad, 1)).as(bad).isEmpty();
        }
    }

    @Test
    void bucketVectorsFromChiasAddressManager() {
        record Row(Bytes32 key, String addr, String src, int tb, int tp, int nb, int np) {}
        List<Row> rows = List.of(
                new Row(KEY_MAX, "250.1.2.1", "250.1.2.1", 180, 2, 0, 2),
                new Row(KEY_MAX, "250.1.2.1", "250.2.3.3", 180, 2, 965, 44),
                new Row(KEY_MAX, "2001:db8::1", "250.1.2.1", 123, 44, 663, 25),
                new Row(KEY_ONE, "250.1.2.1", "250.1.2.1", 170, 3, 1006, 38),
                new Row(KEY_ONE, "250.1.2.1", "250.2.3.3", 170, 3, 340, 22),
                new Row(KEY_ONE, "2001:db8::1", "250.1.2.1", 56, 52, 679, 56));
        for (Row r : rows) {
            AddressManager m = new AddressManager(clock, random, r.key(), true);
            PeerAddress addr = a(r.addr(), 9444);
            PeerAddress src = a(r.src(), 9444);
            int tb = m.triedBucket(addr);
            int nb = m.newBucket(addr, src);
            assertThat(List.of(tb, m.bucketPosition(addr, false, tb), nb, m.bucketPosition(addr, true, nb)))
                    .as(r.toString()).containsExactly(r.tb(), r.tp(), r.nb(), r.np());
        }
    }

    @Test
    void keyOneIsTheIntegerOne() {
        assertThat(KEY_ONE.toHex()).endsWith("0001").startsWith("0x0000");
    }

    // ---- add / good / attempt / connect --------------------------------------------------------

    @Test
    void addPlacesInTheNewTableAndRefusesPrivateAddresses() {
        AddressManager m = book(false);
        assertThat(add(m, a("8.8.8.8", 8444), a("1.1.1.1", 8444))).isTrue();
        assertThat(add(m, a("8.8.8.8", 8444), a("1.1.1.1", 8444))).isFalse();
        assertThat(add(m, a("10.0.0.1", 8444), a("1.1.1.1", 8444))).isFalse();
        assertThat(add(m, a("127.0.0.1", 8444), a("1.1.1.1", 8444))).isFalse();
        assertThat(add(m, a("8.8.4.4", 0), a("1.1.1.1", 8444))).isFalse();
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.newCount()).isEqualTo(1);
        assertThat(m.triedCount()).isZero();
        assertThat(m.lookup(a("8.8.8.8", 8444)).orElseThrow().references()).isEqualTo(1);
        m.checkConsistency();
        AddressManager open = book(true);
        assertThat(add(open, a("127.0.0.1", 8444), a("127.0.0.1", 9000))).isTrue();
        assertThat(add(open, a("127.0.0.1", 8445), a("127.0.0.1", 9000))).isTrue();
        assertThat(open.size()).as("same host, different ports are different peers").isEqualTo(2);
    }

    @Test
    void peerExchangeEntriesArePenalisedAndHostnamesSkipped() {
        AddressManager m = book(false);
        long ts = now() - 100;
        m.add(List.of(new TimestampedPeerInfo("9.9.9.9", 8444, ts), new TimestampedPeerInfo("example.com", 8444, ts)),
                Optional.of(a("1.1.1.1", 8444)), 7200);
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.lookup(a("9.9.9.9", 8444)).orElseThrow().timestamp()).isEqualTo(ts - 7200);
        // An address announcing itself is not penalised.
        m.add(List.of(new TimestampedPeerInfo("4.4.4.4", 8444, ts)), Optional.of(a("4.4.4.4", 8444)), 7200);
        assertThat(m.lookup(a("4.4.4.4", 8444)).orElseThrow().timestamp()).isEqualTo(ts);
    }

    @Test
    void markGoodMovesToTriedAndSelectFindsIt() {
        AddressManager m = book(false);
        PeerAddress p = a("8.8.8.8", 8444);
        assertThat(m.select(false)).isEmpty();
        add(m, p, a("1.1.1.1", 8444));
        assertThat(m.select(false).orElseThrow().address()).isEqualTo(p);
        m.markGood(p, true);
        assertThat(m.triedCount()).isEqualTo(1);
        assertThat(m.newCount()).isZero();
        var k = m.lookup(p).orElseThrow();
        assertThat(k.tried()).isTrue();
        assertThat(k.lastSuccess()).isEqualTo(now());
        assertThat(m.select(true)).as("new-only with an empty new table").isEmpty();
        assertThat(m.select(false).orElseThrow().address()).isEqualTo(p);
        // Re-adding a tried address changes nothing.
        assertThat(add(m, p, a("2.2.2.2", 8444))).isFalse();
        m.checkConsistency();
    }

    @Test
    void attemptsCountOncePerGoodEpochAndMakeAnAddressTerrible() {
        AddressManager m = book(false);
        PeerAddress p = a("8.8.8.8", 8444);
        add(m, p, a("1.1.1.1", 8444));
        m.attempt(p, true);
        m.attempt(p, true);
        assertThat(m.lookup(p).orElseThrow().attempts()).as("no markGood in between").isEqualTo(1);
        PeerAddress q = a("9.9.9.9", 8444);
        add(m, q, a("1.1.1.1", 8444));
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            m.markGood(a("4.4.4.4", 1), false); // unknown address: still starts a new "good" epoch
            clock.advance(Duration.ofSeconds(1));
            m.attempt(p, true);
        }
        assertThat(m.lookup(p).orElseThrow().attempts()).isEqualTo(4);
        clock.advance(Duration.ofMinutes(2));
        // p: never succeeded, >= 3 attempts, not tried in the last 60 s -> terrible, not shared.
        assertThat(m.getPeers()).extracting(TimestampedPeerInfo::host).containsExactly("9.9.9.9");
    }

    @Test
    void connectRefreshesTheTimestampAtMostEveryTwentyMinutes() {
        AddressManager m = book(false);
        PeerAddress p = a("8.8.8.8", 8444);
        m.add(p, now() - 600, Optional.empty(), 0);
        m.connect(p);
        assertThat(m.lookup(p).orElseThrow().timestamp()).isEqualTo(now() - 600);
        clock.advance(Duration.ofMinutes(11));
        m.connect(p);
        assertThat(m.lookup(p).orElseThrow().timestamp()).isEqualTo(now());
    }

    @Test
    void getPeersSharesTwentyThreePercentCappedAtOneThousand() {
        AddressManager m = book(false);
        int added = 0;
        for (int i = 0; i < 100; i++) {
            added += add(m, a("8." + i + ".1.1", 8444), a("1.1.1.1", 8444)) ? 1 : 0;
        }
        int size = m.size();
        assertThat(m.getPeers()).hasSize((23 * size + 99) / 100);
        AddressManager big = book(false);
        for (int i = 0; i < 6000; i++) {
            big.add(a("9." + (i / 250) + "." + (i % 250) + ".1", 8444), now() - 60,
                    Optional.of(a((i % 200) + 11 + ".0.0.1", 8444)), 0);
        }
        assertThat(big.size()).isGreaterThan(4400);
        List<TimestampedPeerInfo> peers = big.getPeers();
        assertThat(peers).hasSize(1000);
        assertThat(peers.stream().map(TimestampedPeerInfo::host).distinct().count()).isEqualTo(1000);
        big.checkConsistency();
    }

    @Test
    void cleanupDropsOldFailingNewEntries() {
        AddressManager m = book(false);
        PeerAddress old = a("8.8.8.8", 8444);
        PeerAddress fresh = a("9.9.9.9", 8444);
        m.add(old, now() - 20 * 86_400L, Optional.empty(), 0);
        add(m, fresh, a("1.1.1.1", 8444));
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            m.markGood(a("4.4.4.4", 1), false);
            clock.advance(Duration.ofSeconds(1));
            m.attempt(old, true);
            m.attempt(fresh, true);
        }
        assertThat(m.cleanup(14 * 86_400L, 10)).isEqualTo(1);
        assertThat(m.lookup(old)).isEmpty();
        assertThat(m.lookup(fresh)).isPresent();
        m.checkConsistency();
    }

    // ---- test-before-evict ---------------------------------------------------------------------

    /** Two addresses of one /16 that hash to the same tried slot under KEY_MAX. */
    private PeerAddress[] triedCollision(AddressManager m) {
        java.util.Map<Integer, PeerAddress> bySlot = new java.util.HashMap<>();
        for (int i = 0; i < 65_536; i++) {
            PeerAddress p = a("8.8." + (i >> 8) + "." + (i & 0xFF), 8444);
            int tb = m.triedBucket(p);
            int slot = tb * 64 + m.bucketPosition(p, false, tb);
            PeerAddress other = bySlot.putIfAbsent(slot, p);
            if (other != null) {
                return new PeerAddress[] {other, p};
            }
        }
        throw new AssertionError("no collision found");
    }

    @Test
    void collisionsWaitAndResolveByTheOccupantsHealth() {
        AddressManager m = book(false);
        PeerAddress[] pair = triedCollision(m);
        PeerAddress occupant = pair[0];
        PeerAddress newcomer = pair[1];
        add(m, occupant, a("1.1.1.1", 8444));
        add(m, newcomer, a("2.2.2.2", 8444));
        m.markGood(occupant, true);
        m.markGood(newcomer, true);
        assertThat(m.pendingCollisions()).isEqualTo(1);
        assertThat(m.lookup(newcomer).orElseThrow().tried()).isFalse();
        assertThat(m.selectTriedCollision().orElseThrow().address()).isEqualTo(occupant);

        // Occupant succeeded recently: it stays, the collision is dropped.
        m.resolveTriedCollisions();
        assertThat(m.pendingCollisions()).isZero();
        assertThat(m.lookup(occupant).orElseThrow().tried()).isTrue();

        // Five hours on, the occupant was tried 2 minutes ago and did not succeed: it is replaced.
        m.markGood(newcomer, true);
        assertThat(m.pendingCollisions()).isEqualTo(1);
        clock.advance(Duration.ofHours(5));
        m.attempt(occupant, true);
        clock.advance(Duration.ofMinutes(2));
        m.resolveTriedCollisions();
        assertThat(m.pendingCollisions()).isZero();
        assertThat(m.lookup(newcomer).orElseThrow().tried()).isTrue();
        var evicted = m.lookup(occupant).orElseThrow();
        assertThat(evicted.tried()).isFalse();
        assertThat(evicted.references()).isEqualTo(1);
        m.checkConsistency();
    }

    @Test
    void withoutTestBeforeEvictTheOccupantGoesBackToNew() {
        AddressManager m = book(false);
        PeerAddress[] pair = triedCollision(m);
        add(m, pair[0], a("1.1.1.1", 8444));
        add(m, pair[1], a("2.2.2.2", 8444));
        m.markGood(pair[0], false);
        m.markGood(pair[1], false);
        assertThat(m.triedCount()).isEqualTo(1);
        assertThat(m.newCount()).isEqualTo(1);
        assertThat(m.lookup(pair[1]).orElseThrow().tried()).isTrue();
        m.checkConsistency();
    }

    // ---- persistence ---------------------------------------------------------------------------

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws IOException {
        AddressManager m = book(false);
        for (int i = 0; i < 300; i++) {
            add(m, a("8." + (i % 50) + "." + i / 50 + ".1", 8444), a((i % 7) + 20 + ".1.1.1", 8444));
        }
        List<PeerAddress> good = new ArrayList<>();
        for (var k : m.entries().subList(0, 20)) {
            good.add(k.address());
        }
        good.forEach(p -> m.markGood(p, false));
        m.attempt(good.get(0), true);
        Path file = dir.resolve("peers.dat");
        AddressBookFile.save(file, m);
        AddressManager back = AddressBookFile.load(file, clock, random, false);
        assertThat(back.secretKey()).isEqualTo(m.secretKey());
        assertThat(back.size()).isEqualTo(m.size());
        assertThat(back.triedCount()).isEqualTo(m.triedCount());
        assertThat(back.newCount()).isEqualTo(m.newCount());
        assertThat(back.entries()).containsExactlyInAnyOrderElementsOf(m.entries());
        assertThat(AddressBookFile.encode(back)).hasSameSizeAs(AddressBookFile.encode(m));
        back.checkConsistency();
        assertThat(Files.list(dir)).containsExactly(file);
    }

    @Test
    void damagedFilesAreRefusedWithAReason(@TempDir Path dir) throws IOException {
        AddressManager m = book(false);
        add(m, a("8.8.8.8", 8444), a("1.1.1.1", 8444));
        byte[] good = AddressBookFile.encode(m);
        assertThat(new String(good, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("DIGPEERS");
        byte[] flipped = good.clone();
        flipped[20] ^= 1;
        assertThatThrownBy(() -> AddressBookFile.decode(flipped, clock, random, false)).hasMessageContaining("checksum");
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> AddressBookFile.decode(magic, clock, random, false)).hasMessageContaining("magic");
        assertThatThrownBy(() -> AddressBookFile.decode(new byte[10], clock, random, false)).hasMessageContaining("too short");
        byte[] v2 = good.clone();
        v2[9] = 2;
        byte[] resealed = java.util.Arrays.copyOf(v2, v2.length);
        System.arraycopy(net.dig.core.Sha256.hash(v2, 0, v2.length - 32).toArray(), 0, resealed, v2.length - 32, 32);
        assertThatThrownBy(() -> AddressBookFile.decode(resealed, clock, random, false)).hasMessageContaining("version 2");
        Path file = dir.resolve("peers.dat");
        Files.write(file, flipped);
        assertThatThrownBy(() -> AddressBookFile.load(file, clock, random, false)).isInstanceOf(IOException.class);
    }

    @Test
    void isTerribleRules() {
        long now = 1_700_000_000L;
        AddressManager.Entry e = new AddressManager.Entry(1, a("8.8.8.8", 1), a("8.8.8.8", 1));
        e.timestamp = now - 3600;
        assertThat(e.isTerrible(now)).isFalse();
        e.timestamp = now + 601;
        assertThat(e.isTerrible(now)).as("more than 10 minutes in the future").isTrue();
        e.timestamp = 0;
        assertThat(e.isTerrible(now)).as("never seen").isTrue();
        e.timestamp = now - 30 * 86_400L - 1;
        assertThat(e.isTerrible(now)).as("older than 30 days").isTrue();
        e.lastTry = now - 59;
        assertThat(e.isTerrible(now)).as("tried in the last minute: never terrible").isFalse();
        e.lastTry = now - 61;
        e.timestamp = now - 3600;
        e.numAttempts = 3;
        assertThat(e.isTerrible(now)).as("3 attempts, never a success").isTrue();
        e.lastSuccess = now - 8 * 86_400L;
        assertThat(e.isTerrible(now)).isFalse();
        e.numAttempts = 10;
        assertThat(e.isTerrible(now)).as("10 failures, no success in 7 days").isTrue();
        e.lastSuccess = now - 6 * 86_400L;
        assertThat(e.isTerrible(now)).isFalse();
    }

    @Test
    void selectionChanceRules() {
        long now = 1_700_000_000L;
        AddressManager.Entry e = new AddressManager.Entry(1, a("8.8.8.8", 1), a("8.8.8.8", 1));
        e.lastTry = now - 3600;
        assertThat(e.selectionChance(now)).isEqualTo(1.0);
        e.lastTry = now - 599;
        assertThat(e.selectionChance(now)).isEqualTo(0.01);
        e.lastTry = now - 3600;
        e.numAttempts = 2;
        assertThat(e.selectionChance(now)).isCloseTo(0.66 * 0.66, org.assertj.core.data.Offset.offset(1e-12));
        e.numAttempts = 20;
        assertThat(e.selectionChance(now)).isCloseTo(Math.pow(0.66, 8), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void selectFavoursAddressesNotTriedRecently() {
        AddressManager m = book(false);
        PeerAddress recent = a("8.8.8.8", 8444);
        PeerAddress rested = a("9.9.9.9", 8444);
        add(m, recent, a("1.1.1.1", 8444));
        add(m, rested, a("2.2.2.2", 8444));
        m.attempt(recent, false);
        int recentPicks = 0;
        for (int i = 0; i < 2000; i++) {
            if (m.select(false).orElseThrow().address().equals(recent)) {
                recentPicks++;
            }
        }
        assertThat(recentPicks).as("chance 0.01 vs 1.0").isLessThan(100);
    }
}
