package net.dig.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import net.dig.api.PeerDirectory;
import net.dig.api.PeerView;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.dig.gossip.NodeDirectory;
import net.dig.net.GossipConfig;
import net.dig.net.GossipStats;
import net.dig.core.NodeIdentity;
import net.dig.net.GossipHandle;
import net.dig.net.GossipService;
import net.dig.net.NodeMessaging;
import net.dig.net.NodeProfile;
import net.dig.net.PeerConnection;
import net.dig.net.TransportSettings;
import net.dig.storage.StorageEngine;
import net.dig.wire.NodePayload;
import net.dig.wire.NodeType;

/**
 * How the node builds dig-gossip's {@link GossipConfig} from {@code network.*}, and shows the peer
 * table to the HTTP API.
 *
 * <p>Policy: {@code listen_address} is the P2P listener; {@code lanes} are each connection's priority
 * lanes; {@code max_peers} caps connections;
 * {@code network_id} is the handshake's network name, compared as a string. Outbound peering only happens toward
 * {@code bootstrap_nodes} and peers learned from {@code introducer} (registration, then discovery)
 * or from {@code dns_seeds} (up to 8 outbound connections, fewer if {@code max_peers} is smaller).
 * No DNS seeds are asked by default (Chia's seeds are not DIG's, and the DIG genesis is not public),
 * so with none of the three configured the node only accepts inbound peers and sends nothing out. The TLS
 * identity is generated once and kept in {@code <home>/tls}; the address book in
 * {@code <home>/peers.dat}. Every peer running this node gets its signed announcement after the
 * handshake ({@link #nodeMessages}).
 */
final class GossipWiring {
    private static final int TARGET_OUTBOUND = 8;
    private static final List<String> CAPABILITIES = List.of("storage", "retrieval");

    private GossipWiring() {}

    static GossipConfig gossipConfig(DigNodeCommand.NodeContext ctx) {
        NodeConfig.NetworkSection n = ctx.config().network();
        List<InetSocketAddress> bootstrap = n.bootstrapNodes().stream().map(HostPort::socketAddress).toList();
        return GossipConfig.builder()
                .introducer(n.introducer())
                .relay(n.relay().relayConfig().orElse(null))
                .listenAddr(n.listenAddress().socketAddress())
                .networkId(n.networkId())
                .network(GossipConfig.Network.LOCAL)
                .maxConnections(n.maxPeers())
                .targetOutboundCount(bootstrap.isEmpty() && n.introducer() == null && n.dnsSeeds().isEmpty() ? 0
                        : Math.min(TARGET_OUTBOUND, n.maxPeers()))
                .dnsSeeds(n.dnsSeeds())
                .bootstrapPeers(bootstrap)
                .peerConnectInterval(n.peerConnectInterval())
                .erlay(n.erlay().config().orElse(null))
                .peerIdRotation(n.peerIdRotation().config().orElse(null))
                .peersFilePath(ctx.home().dir().resolve("peers.dat"))
                .tor(n.tor().config().orElse(null))
                .asmap(asmap(ctx, n.asmapFile()))
                .transport(TransportSettings.builder()
                        .identityDir(Optional.of(ctx.home().dir().resolve("tls")))
                        .socketBuffers(new TransportSettings.SocketBuffers(n.socketSendBufferBytes(), n.socketReceiveBufferBytes()))
                        .lanes(n.lanes().laneConfig())
                        .admission(n.admission().limits())
                        .build())
                .compactBlocks(n.compactBlocks().config())
                .dandelion(n.dandelion().config())
                .build();
    }

    /** Reads and checks {@code network.asmap_file} (relative to the data directory); null when unset. */
    static net.dig.gossip.Asmap asmap(DigNodeCommand.NodeContext ctx, String file) {
        if (file == null) {
            return null;
        }
        Path path = ctx.home().resolve(file);
        try {
            if (Files.size(path) > net.dig.gossip.Asmap.MAX_FILE_BYTES) {
                throw new ConfigException("network.asmap_file", path + " is larger than " + net.dig.gossip.Asmap.MAX_FILE_BYTES + " bytes");
            }
            return net.dig.gossip.Asmap.decode(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new ConfigException("network.asmap_file", "cannot read " + path + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("network.asmap_file", path + " is not an asmap file: " + e.getMessage());
        }
    }

    /**
     * Turns on the signed node messages ({@code network.node_messages}) with the node's Ed25519 key; the
     * announcement carries the HTTP API endpoint {@code http} gives (the bound port once the API runs), the
     * node's current mode ({@code mode}: a reload may switch it) and the capacity of its plot directories: total = plot bytes + free space of their
     * distinct file systems, free = that free space.
     */
    static NodeMessaging nodeMessages(GossipService gossip, DigNodeCommand.NodeContext ctx, NodeIdentity identity,
            StorageEngine storage, Supplier<NodePayload.HttpEndpoint> http, Supplier<String> mode) {
        return gossip.nodeMessages(identity, ctx.config().network().nodeMessages().gossipConfig(), () -> {
            long free = CacheModeWiring.freePlotSpace(storage);
            return new NodeProfile(http.get(), CAPABILITIES, storage.plotBytesOnDisk() + free, free, mode.get());
        });
    }

    /** The configured API address, until the API has bound its port. */
    static NodePayload.HttpEndpoint httpEndpoint(NodeConfig config, int port) {
        return new NodePayload.HttpEndpoint(config.api().listenAddress().host(), port, "http");
    }

    /**
     * The connected peers with live facts: {@code node_id} the DIG node id the peer announced (its PeerId
     * hex until it has), capabilities and mode from its announcement ({@link NodeDirectory}), reputation
     * its standing in the reputation table ({@link GossipHandle#standing}), {@code last_seen} the last
     * message received on its connection; and the transport's byte counters for {@code /node/status}.
     */
    static PeerDirectory peerDirectory(GossipHandle handle, NodeDirectory directory) {
        return peerDirectory(handle, directory, key -> java.util.OptionalDouble.empty());
    }

    /**
     * The connected peers for the API; a peer's reputation is what this node's validator attests of its node key when it
     * has challenged it ({@code attested}), else its gossip standing.
     */
    static PeerDirectory peerDirectory(GossipHandle handle, NodeDirectory directory,
                                       java.util.function.Function<net.dig.core.Bytes32, java.util.OptionalDouble> attested) {
        return new PeerDirectory() {
            @Override
            public List<PeerView> peers() {
                return handle.connectedPeers().getNow(List.of()).stream().map(c -> liveView(c, handle, directory, attested)).toList();
            }

            @Override
            public Traffic traffic() {
                try {
                    GossipStats s = handle.stats().get(2, TimeUnit.SECONDS);
                    return new Traffic(s.bytesReceived(), s.bytesSent());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Traffic.NONE;
                } catch (ExecutionException | TimeoutException stopped) {
                    return Traffic.NONE;
                }
            }
        };
    }

    private static PeerView liveView(PeerConnection c, GossipHandle handle, NodeDirectory directory,
                                     java.util.function.Function<net.dig.core.Bytes32, java.util.OptionalDouble> attested) {
        int port = c.isOutbound() ? c.address().getPort() : c.peerServerPort();
        String endpoint = c.address().getAddress().getHostAddress() + ":" + port;
        String nodeType = NodeType.of(c.nodeType()).map(t -> t.name().toLowerCase(Locale.ROOT))
                .orElse("unknown_" + c.nodeType());
        Optional<NodeDirectory.NodeInfo> info = directory.get(c.peerId());
        double standing = info.map(i -> attested.apply(i.nodeKey())).filter(java.util.OptionalDouble::isPresent)
                .map(java.util.OptionalDouble::getAsDouble).orElse(Math.clamp(handle.standing(c.peerId()), 0.0, 1.0));
        return new PeerView(info.map(NodeDirectory.NodeInfo::nodeId).orElse(c.peerId().toHex()), endpoint,
                info.map(i -> i.announcement().capabilities()).orElse(List.of()), standing, c.lastReceivedMillis(),
                c.isOutbound() ? "outbound" : "inbound", nodeType, c.softwareVersion(), c.avgRttMillis(), c.peerId().toHex(),
                info.map(i -> i.announcement().mode()).orElse(null));
    }
}
