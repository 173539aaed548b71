package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.gossip.DhtConfig;
import net.dig.gossip.MessageBusConfig;
import net.dig.gossip.PeerId;
import net.dig.gossip.ProviderRecord;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DHT across a PeerId rotation on loopback: a node that provides a key rotates its certificate; afterwards its
 * provider records name the new PeerId, are signed with the new leaf key and are stored by peers that know it
 * by that id, while the records under the old PeerId are left to run out. Without {@code reconnect_on_rotation}
 * peers on connections from before the rotation are not sent records they would refuse (no penalty), and a
 * newcomer gets them. Request timeouts run on the manual clock, so the waits move it on by one RPC timeout at a
 * time and tick the DHT.
 */
@Timeout(150)
class DhtRotationTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    /** One rotation in the test: the clock moves by RPC timeouts afterwards, far less than a day. */
    private static final Duration INTERVAL = Duration.ofDays(1);
    private static final DhtConfig CONFIG = new DhtConfig(20, 3, 20, 5_000, 3_600_000, 7_200_000, 3_600_000, 1024, 20,
            50, 200, 64, 0.3);

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private final Map<GossipService, DhtService> dhts = new ConcurrentHashMap<>();
    private TestNodes nodes;

    @BeforeEach
    void setUp() {
        nodes = new TestNodes(dir, clock);
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private GossipService start(PeerIdRotationConfig rotation) {
        // keepalive rounds read the manual clock: moving it a day on must not close the connections
        return nodes.start(b -> b.peerIdRotation(rotation).keepalivePeerTimeout(Duration.ofDays(3))
                        .transport(b.build().transport().toBuilder().ipBanExempt(Set.of("127.0.0.1")).build()),
                MessageBusConfig.defaults(), s -> dhts.put(s, s.dht(CONFIG)));
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    private List<PeerId> providers(GossipService s, Bytes32 key) throws Exception {
        return get(dhts.get(s).storedProviders(key)).stream().map(ProviderRecord::provider).toList();
    }

    /** Lets requests lost while connections were replaced time out: the clock moves one RPC timeout, the DHTs tick. */
    private void nextTimeout() throws Exception {
        clock.advance(Duration.ofMillis(CONFIG.rpcTimeoutMillis() + 1));
        for (DhtService d : dhts.values()) {
            get(d.tick());
        }
    }

    /**
     * Connects {@code from} to {@code to}; a DHT dial between the two may have won the race (the duplicate is then
     * refused), so what counts is that they end up connected.
     */
    private static void link(GossipService from, GossipService to) throws Exception {
        from.handle().connectTo(TestNodes.loopback(to)).exceptionally(e -> null).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await().atMost(BOUND).until(() -> get(from.handle().connectedPeers()).stream()
                .anyMatch(c -> c.peerId().equals(to.peerId())));
    }

    /** Observer and holder connected to each other and to the rotating node, which provides {@code key}. */
    private GossipService[] network(GossipService rotating, Bytes32 key) throws Exception {
        GossipService observer = start(null);
        GossipService holder = start(null);
        link(observer, holder);
        link(rotating, observer);
        link(rotating, holder);
        await().atMost(BOUND).until(() -> dhts.get(rotating).stats().routingTableSize() == 2);
        assertThat(get(dhts.get(rotating).provide(key))).isEqualTo(2);
        return new GossipService[] {observer, holder};
    }

    /** Moves the clock a day on, lets the rotating node republish under its old id first, then rotates it. */
    private PeerId rotate(GossipService rotating, GossipService[] others, Bytes32 key) throws Exception {
        PeerId old = rotating.peerId();
        clock.advance(INTERVAL);
        get(dhts.get(rotating).tick());
        for (GossipService s : others) {
            await().atMost(BOUND).until(() -> get(dhts.get(s).storedProviders(key)).stream()
                    .anyMatch(r -> r.provider().equals(old) && r.expiresAtMillis() > clock.millis()));
        }
        rotating.checkRotation();
        await().atMost(BOUND).until(() -> !rotating.peerId().equals(old) && dhts.get(rotating).self().equals(rotating.peerId()));
        return old;
    }

    @Test
    void withReconnectPeersStoreRecordsUnderTheNewPeerIdSignedWithTheNewKey() throws Exception {
        GossipService rotating = start(new PeerIdRotationConfig(INTERVAL, true));
        Bytes32 key = ProviderRecord.storeKey(Sha256.hash("rotating-store".getBytes(StandardCharsets.UTF_8)));
        GossipService[] others = network(rotating, key);
        PeerId old = rotate(rotating, others, key);
        PeerId fresh = rotating.peerId();

        for (GossipService s : others) {
            await().atMost(BOUND).until(() -> {
                nextTimeout();
                return providers(s, key).contains(fresh);
            });
            assertThat(providers(s, key)).as("the old record is left to run out").contains(old);
        }
        GossipService observer = others[0];
        List<ProviderRecord> found = get(dhts.get(observer).findProviders(key, 2)).providers();
        ProviderRecord record = found.stream().filter(r -> r.provider().equals(fresh)).findFirst().orElseThrow();
        assertThat(DhtRecordKeys.verify(record)).as("signed with the new leaf key").isTrue();
        assertThat(record.addresses()).extracting(a -> a.port()).containsExactly(rotating.listenAddress().getPort());
        for (GossipService s : others) {
            assertThat(s.handle().standing(fresh)).as("the rotating node was not penalised").isEqualTo(1.0);
        }
    }

    @Test
    void withoutReconnectOldConnectionsAreSentNoRecordTheyWouldRefuseAndANewcomerGetsThem() throws Exception {
        GossipService rotating = start(new PeerIdRotationConfig(INTERVAL, false));
        Bytes32 key = ProviderRecord.storeKey(Sha256.hash("quiet-store".getBytes(StandardCharsets.UTF_8)));
        GossipService[] others = network(rotating, key);
        PeerId old = rotate(rotating, others, key);
        PeerId fresh = rotating.peerId();

        GossipService newcomer = start(null);
        link(newcomer, rotating);
        await().atMost(BOUND).until(() -> {
            nextTimeout();
            return providers(newcomer, key).contains(fresh);
        });
        for (int i = 0; i < 3; i++) {
            nextTimeout();
        }
        for (GossipService s : others) {
            assertThat(providers(s, key)).contains(old).doesNotContain(fresh);
            assertThat(s.handle().standing(old)).as("no record was refused, so no penalty").isEqualTo(1.0);
        }
    }
}
