package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.core.Progress;
import net.dig.gossip.NodeDirectory;
import net.dig.gossip.ProviderRecord;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.service.ProviderSource;
import net.dig.storage.IngestOptions;
import net.dig.storage.Manifest;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's DHT wiring over two gossip services on loopback: a datastore held at start and one committed later
 * are announced under their store and root keys, the other's {@link ProviderSource} finds the holder with its P2P address, and an
 * eviction withdraws both keys.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DhtWiringTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    @TempDir Path tmp;

    private GossipService gossip(String name) {
        return new GossipService(GossipConfig.builder().listenAddr(new InetSocketAddress("127.0.0.1", 0))
                .networkId("testnet11").network(GossipConfig.Network.LOCAL).targetOutboundCount(0)
                .peersFilePath(tmp.resolve(name + "-peers.dat")).build(), Clock.system(), new SplittableRandom(name.hashCode()));
    }

    @Test
    void aCommittedDatastoreIsFoundByAPeerAndWithdrawnOnEviction() throws Exception {
        GossipService holder = gossip("holder");
        GossipService seeker = gossip("seeker");
        DhtWiring holderDht = DhtWiring.enable(holder, new NodeDirectory(16));
        DhtWiring seekerDht = DhtWiring.enable(seeker, new NodeDirectory(16));
        holder.start();
        seeker.start();
        Path data = tmp.resolve("data");
        try (StorageEngine storage = StorageEngine.open(new StorageConfig(data, List.of(data.resolve("plots")), data.resolve("cache")),
                Clock.system())) {
            seeker.handle().connectTo(new InetSocketAddress("127.0.0.1", holder.listenAddress().getPort())).get(30, TimeUnit.SECONDS);
            await().atMost(BOUND).until(() -> holderDht.dht().stats().routingTableSize() == 1);
            Manifest before = ingest(storage, 1);
            holderDht.announce(storage);
            await().atMost(BOUND).until(() -> holderDht.dht().stats().providedKeys() == 2);
            await().atMost(BOUND).until(() -> !seekerDht.dht().storedProviders(ProviderRecord.storeKey(before.datastoreId()))
                    .get(30, TimeUnit.SECONDS).isEmpty());

            Manifest m = ingest(storage, 2);
            Bytes32 id = m.datastoreId();
            Bytes32 rootKey = ProviderRecord.rootKey(id, m.version().merkleRoot());
            await().atMost(BOUND).until(() -> holderDht.dht().stats().providedKeys() == 4);
            await().atMost(BOUND).until(() -> !seekerDht.dht().storedProviders(rootKey).get(30, TimeUnit.SECONDS).isEmpty());
            List<ProviderSource.Provider> found = seekerDht.providers(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(found).singleElement().satisfies(p -> {
                assertThat(p.peer()).isEqualTo(holder.peerId());
                assertThat(p.addresses()).containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", holder.listenAddress().getPort()));
                assertThat(p.http()).isEmpty();
            });
            assertThat(holderDht.providers(id).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .as("a node is not its own provider").isEmpty();

            assertThat(storage.evict(id)).isTrue();
            await().atMost(BOUND).until(() -> holderDht.dht().stats().providedKeys() == 2);
            assertThat(holderDht.dht().storedProviders(ProviderRecord.storeKey(id)).get(30, TimeUnit.SECONDS)).isEmpty();
            assertThat(holderDht.dht().storedProviders(rootKey).get(30, TimeUnit.SECONDS)).isEmpty();
        } finally {
            seeker.stop();
            holder.stop();
        }
    }

    private Manifest ingest(StorageEngine storage, int seed) throws Exception {
        Path file = tmp.resolve("file-" + seed + ".bin");
        byte[] bytes = new byte[300_000];
        new SplittableRandom(seed).nextBytes(bytes);
        Files.write(file, bytes);
        return storage.ingest(file, IngestOptions.defaults(), NodeIdentity.generate(new SecureRandom()), Progress.none());
    }

    @Test
    void anAnnouncedWildcardHttpHostStandsForTheProvidersAddress() {
        List<InetSocketAddress> at = List.of(InetSocketAddress.createUnresolved("10.0.0.7", 9444));
        assertThat(DhtWiring.httpUri(new NodePayload.HttpEndpoint("0.0.0.0", 8555, "http"), at))
                .contains(java.net.URI.create("http://10.0.0.7:8555"));
        assertThat(DhtWiring.httpUri(new NodePayload.HttpEndpoint("node.example.org", 443, "https"), at))
                .contains(java.net.URI.create("https://node.example.org:443"));
        assertThat(DhtWiring.httpUri(new NodePayload.HttpEndpoint("::1", 8555, "http"), at))
                .contains(java.net.URI.create("http://[::1]:8555"));
        assertThat(DhtWiring.httpUri(new NodePayload.HttpEndpoint("0.0.0.0", 8555, "http"), List.of())).isEmpty();
        assertThat(DhtWiring.httpUri(new NodePayload.HttpEndpoint("h", 0, "http"), at)).isEqualTo(Optional.empty());
    }
}
