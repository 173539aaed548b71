package net.dig.bench;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.gossip.DhtConfig;
import net.dig.gossip.HoldingsConfig;
import net.dig.gossip.NodeMessageConfig;
import net.dig.gossip.ProviderRecord;
import net.dig.net.DhtService;
import net.dig.net.GossipConfig;
import net.dig.net.GossipService;
import net.dig.net.NodeProfile;
import net.dig.wire.NodePayload;

/**
 * The peers of {@code bench/scripts/idle-scale.sh}: {@code <peers>} real {@link GossipService}s in this JVM, each
 * listening on its own loopback address (127.0.0.2, 127.0.0.3, ...), connected over mTLS to the node under test,
 * with signed node messages (240), holdings (222) and the DHT (241) on, as a running node has them. Together they
 * hold {@code <datastores>} datastores, spread evenly: each peer announces its share as holdings (to every peer
 * after the handshake, as deltas) and provides both DHT keys of each (the datastore's and its root's), as
 * {@code DhtWiring} does. Prints {@code READY peers=<n> datastores=<n> dht_announced=<n>} once every peer is
 * connected and every announcement finished, then keeps the peers running (keepalives, DHT ticks, hourly
 * republishes) until the process is killed.
 *
 * <p>Usage: {@code IdleScaleBench <node host:port> <network id> <peers> <datastores>}
 */
public final class IdleScaleBench {
    private static final long HOLDINGS_TTL_SECONDS = 6 * 3600;

    private IdleScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        InetSocketAddress node = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        String networkId = args[1];
        int peers = Integer.parseInt(args[2]);
        int datastores = Integer.parseInt(args[3]);
        Clock clock = Clock.system();
        EventLoopGroup io = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("bench-io", true), NioIoHandler.newFactory());
        SplittableRandom ids = new SplittableRandom(7);
        List<GossipService> services = new ArrayList<>();
        List<CompletableFuture<Integer>> announced = new ArrayList<>();
        Map<Integer, Boolean> connected = new ConcurrentHashMap<>();
        for (int i = 0; i < peers; i++) {
            List<Bytes32> own = new ArrayList<>();
            for (int d = i; d < datastores; d += peers) {
                own.add(random(ids));
            }
            GossipService gossip = new GossipService(GossipConfig.builder()
                    .listenAddr(new InetSocketAddress("127.0.0." + (2 + i % 250), 0))
                    .networkId(networkId).network(GossipConfig.Network.LOCAL).targetOutboundCount(0).build(),
                    clock, new SplittableRandom(100 + i), io);
            gossip.nodeMessages(NodeIdentity.generate(new SecureRandom()), NodeMessageConfig.defaults(), () -> new NodeProfile(
                    new NodePayload.HttpEndpoint("127.0.0.1", 1, "http"), List.of("storage"), 1L << 40, 1L << 39, "selective"));
            gossip.holdings(HoldingsConfig.defaults(), HOLDINGS_TTL_SECONDS, () -> own);
            DhtService dht = gossip.dht(DhtConfig.defaults());
            gossip.start();
            services.add(gossip);
            int peer = i;
            gossip.handle().connectTo(node).get(60, TimeUnit.SECONDS);
            connected.put(peer, true);
            CompletableFuture<Integer> joined = dht.join().exceptionally(e -> 0);
            for (Bytes32 id : own) {
                announced.add(joined.thenCompose(n -> dht.provide(ProviderRecord.storeKey(id))));
                announced.add(joined.thenCompose(n -> dht.provide(ProviderRecord.rootKey(id, random(ids)))));
            }
        }
        int ok = 0;
        for (CompletableFuture<Integer> a : announced) {
            try {
                a.get(600, TimeUnit.SECONDS);
                ok++;
            } catch (Exception e) {
                System.err.println("announcement failed: " + e);
            }
        }
        System.out.println("READY peers=" + connected.size() + " datastores=" + datastores + " dht_announced=" + ok
                + " of " + announced.size());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static synchronized Bytes32 random(SplittableRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Bytes32.wrap(b);
    }
}
