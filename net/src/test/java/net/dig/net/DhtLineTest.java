package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.gossip.DhtAddress;
import net.dig.gossip.DhtConfig;
import net.dig.gossip.DhtLookupResult;
import net.dig.gossip.DhtMessage;
import net.dig.gossip.PenaltyReason;
import net.dig.gossip.ProviderRecord;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five nodes over real mTLS on loopback in a line, A-B-C-D-E, each connected only to its neighbours: the DHT
 * reaches the far end by dialling whom its lookups name, a provider record announced by A is found by E, runs out
 * after A withdraws it, and a forged record is refused and penalised.
 */
@Timeout(90)
class DhtLineTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    /** Records live 60 s (less than the 90 s keepalive timeout, so the manual clock can pass it in one step). */
    private static final DhtConfig CONFIG = new DhtConfig(20, 3, 20, 5_000, 3_600_000, 60_000, 30_000, 1024, 20, 50, 200, 64, 0.3);

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;
    private final Map<GossipService, DhtService> dhts = new ConcurrentHashMap<>();
    private final List<GossipService> line = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        nodes = new TestNodes(dir, clock);
        for (int i = 0; i < 5; i++) {
            line.add(nodes.start(b -> b, net.dig.gossip.MessageBusConfig.defaults(), s -> dhts.put(s, s.dht(CONFIG))));
        }
        for (int i = 0; i + 1 < line.size(); i++) {
            get(line.get(i).handle().connectTo(TestNodes.loopback(line.get(i + 1))));
        }
        for (GossipService s : line) {
            await().atMost(BOUND).until(() -> dht(s).stats().routingTableSize() >= (s == line.getFirst() || s == line.getLast() ? 1 : 2));
        }
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private DhtService dht(GossipService s) {
        return dhts.get(s);
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    private static Bytes32 storeKey(String name) {
        return ProviderRecord.storeKey(Sha256.hash(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void theFarEndFindsAProviderThroughTheLineAndLosesItOnceWithdrawnAndExpired() throws Exception {
        GossipService a = line.get(0);
        GossipService e = line.get(4);
        Bytes32 key = storeKey("store-a");

        int stored = get(dht(a).provide(key));
        assertThat(stored).as("nodes that stored A's record").isGreaterThanOrEqualTo(4);
        assertThat(get(e.handle().connectedPeers()).stream().map(PeerConnection::peerId))
                .as("E was reached by dialling, it was connected only to D").contains(a.peerId());

        DhtLookupResult found = get(dht(e).findProviders(key, 1));
        assertThat(found.providers()).extracting(ProviderRecord::provider).containsExactly(a.peerId());
        ProviderRecord record = found.providers().getFirst();
        assertThat(record.addresses()).containsExactly(new DhtAddress("127.0.0.1", a.listenAddress().getPort(), DhtAddress.KIND_DIRECT));
        assertThat(DhtRecordKeys.verify(record)).isTrue();

        assertThat(get(dht(a).withdraw(key))).isTrue();
        clock.advance(Duration.ofMillis(CONFIG.providerTtlMillis() + 1));
        DhtLookupResult after = get(dht(e).findProviders(key, 1));
        assertThat(after.providers()).isEmpty();
        assertThat(after.closest()).as("the lookup still reached the other nodes").hasSizeGreaterThanOrEqualTo(4);
        for (GossipService s : line) {
            assertThat(get(dht(s).storedProviders(key))).isEmpty();
        }
    }

    @Test
    void aProviderThatKeepsAnnouncingIsStillFoundAfterTheFirstRecordsExpire() throws Exception {
        GossipService a = line.get(0);
        Bytes32 key = storeKey("store-kept");
        get(dht(a).provide(key));
        clock.advance(Duration.ofMillis(CONFIG.republishIntervalMillis()));
        get(dht(a).tick());
        clock.advance(Duration.ofMillis(CONFIG.providerTtlMillis() - CONFIG.republishIntervalMillis() + 1));
        await().atMost(BOUND).until(() -> !get(dht(line.get(4)).storedProviders(key)).isEmpty());
        assertThat(get(dht(line.get(4)).findProviders(key, 1)).providers()).extracting(ProviderRecord::provider)
                .containsExactly(a.peerId());
    }

    @Test
    void manyAnnouncementsAtOnceArePacedBelowTheLookupLimit() throws Exception {
        DhtConfig tight = new DhtConfig(20, 3, 20, 5_000, 3_600_000, 60_000, 30_000, 1024, 20, 50, 200, 8, 0.3);
        Map<GossipService, DhtService> pair = new ConcurrentHashMap<>();
        GossipService x = nodes.start(b -> b, net.dig.gossip.MessageBusConfig.defaults(), s -> pair.put(s, s.dht(tight)));
        GossipService y = nodes.start(b -> b, net.dig.gossip.MessageBusConfig.defaults(), s -> pair.put(s, s.dht(tight)));
        get(x.handle().connectTo(TestNodes.loopback(y)));
        await().atMost(BOUND).until(() -> pair.get(x).stats().routingTableSize() == 1);
        List<CompletableFuture<Integer>> announced = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            announced.add(pair.get(x).provide(storeKey("many-" + i)));
        }
        for (CompletableFuture<Integer> f : announced) {
            assertThat(get(f)).as("stored on the other node").isEqualTo(1);
        }
        assertThat(pair.get(x).stats().providedKeys()).isEqualTo(40);
    }

    @Test
    void whatAnIsolatedNodeProvidedIsAnnouncedOnceItHasAPeer() throws Exception {
        Map<GossipService, DhtService> pair = new ConcurrentHashMap<>();
        GossipService x = nodes.start(b -> b, net.dig.gossip.MessageBusConfig.defaults(), s -> pair.put(s, s.dht(CONFIG)));
        GossipService y = nodes.start(b -> b, net.dig.gossip.MessageBusConfig.defaults(), s -> pair.put(s, s.dht(CONFIG)));
        Bytes32 key = storeKey("alone");
        assertThat(get(pair.get(x).provide(key))).as("nobody to store it").isZero();
        get(y.handle().connectTo(TestNodes.loopback(x)));
        await().atMost(BOUND).until(() -> !get(pair.get(y).storedProviders(key)).isEmpty());
        assertThat(get(pair.get(y).storedProviders(key))).extracting(ProviderRecord::provider).containsExactly(x.peerId());
    }

    @Test
    void aRecordFromAPeerAtTheReputationFloorIsNotStored() throws Exception {
        GossipService a = line.get(0);
        GossipService b = line.get(1);
        get(b.handle().penalizePeer(a.peerId(), PenaltyReason.PROTOCOL_VIOLATION));
        get(b.handle().penalizePeer(a.peerId(), PenaltyReason.MALFORMED_MESSAGE));
        assertThat(b.reputationOf(a.peerId()).penaltyPoints()).as("reputation 0.3, the floor").isEqualTo(70);
        Bytes32 key = storeKey("shunned");
        ProviderRecord genuine = ProviderRecord.signed(key, a.peerId(), List.of(), clock.millis() + 30_000,
                a.identity.providerSigner().orElseThrow());
        long heard = dht(b).stats().messagesIn();
        get(a.handle().sendTo(b.peerId(), DhtCodec.toMessage(new DhtMessage.AddProvider(11, genuine))));
        await().atMost(BOUND).until(() -> dht(b).stats().messagesIn() > heard);
        get(dht(b).tick()); // B's thread is first-in first-out: the record has been handled
        assertThat(get(dht(b).storedProviders(key))).isEmpty();
        assertThat(b.reputationOf(a.peerId()).penaltyPoints()).as("a valid record costs nothing").isEqualTo(70);
    }

    @Test
    void aForgedRecordIsRejectedPenalisedAndNotStored() throws Exception {
        GossipService a = line.get(0);
        GossipService b = line.get(1);
        Bytes32 key = storeKey("forged");
        long expires = clock.millis() + 30_000;
        ProviderRecord genuine = ProviderRecord.signed(key, a.peerId(), List.of(), expires, a.identity.providerSigner().orElseThrow());
        byte[] bad = genuine.signature();
        bad[bad.length - 1] ^= 1;
        ProviderRecord forged = new ProviderRecord(key, a.peerId(), List.of(), expires, bad);
        assertThat(DhtRecordKeys.verify(forged)).isFalse();

        get(a.handle().sendTo(b.peerId(), DhtCodec.toMessage(new DhtMessage.AddProvider(7, forged))));
        await().atMost(BOUND).until(() -> b.reputationOf(a.peerId()).penaltyPoints() == PenaltyReason.INVALID_SIGNATURE.points());
        assertThat(get(dht(b).storedProviders(key))).isEmpty();

        GossipService c = line.get(2);
        ProviderRecord claimed = ProviderRecord.signed(key, line.get(3).peerId(), List.of(), expires,
                c.identity.providerSigner().orElseThrow());
        get(c.handle().sendTo(b.peerId(), DhtCodec.toMessage(new DhtMessage.AddProvider(8, claimed))));
        await().atMost(BOUND).until(() -> b.reputationOf(c.peerId()).penaltyPoints() == PenaltyReason.PROTOCOL_VIOLATION.points());
        assertThat(get(dht(b).storedProviders(key))).as("a record for another provider is not stored").isEmpty();

        get(a.handle().sendTo(b.peerId(), DhtCodec.toMessage(new DhtMessage.AddProvider(9, genuine))));
        await().atMost(BOUND).until(() -> !get(dht(b).storedProviders(key)).isEmpty());
        assertThat(get(dht(b).storedProviders(key))).containsExactly(genuine);
        assertThat(dht(b).stats().rejected()).isEqualTo(2);
    }

    @Test
    void aMalformedFrameCostsItsSenderTheMalformedPenalty() throws Exception {
        GossipService a = line.get(0);
        GossipService b = line.get(1);
        get(a.handle().sendTo(b.peerId(), net.dig.wire.Message.of(DhtCodec.OPCODE, new byte[] {0x22, 0x05, 0x0a})));
        await().atMost(BOUND).until(() -> b.reputationOf(a.peerId()).penaltyPoints() == PenaltyReason.MALFORMED_MESSAGE.points());
        assertThat(dht(b).stats().rejected()).isEqualTo(1);
    }
}
