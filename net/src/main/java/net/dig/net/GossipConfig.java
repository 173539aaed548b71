package net.dig.net;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.dig.gossip.CompactBlockConfig;
import net.dig.gossip.DandelionConfig;
import net.dig.gossip.ErlayConfig;
import net.dig.gossip.PeerId;

/**
 * Configuration of the gossip service: every field of the dig-gossip seed's {@code GossipConfig},
 * with its default, plus {@link TransportSettings} for what the seed leaves unnamed.
 * Validated on construction; a bad value fails with a message naming the key.
 *
 * @param listenAddr            TCP listen address (default {@code 0.0.0.0:9444}); port 0 picks a free port
 * @param peerId                this node's PeerId; empty = derived from the loaded certificate at start. If set
 *                              it must match the certificate, or {@code new GossipService} fails
 * @param networkId             the network's name as the handshake carries it and as peers compare it, byte for
 *                              byte: Chia sends the selected network's name ({@code "mainnet"},
 *                              {@code "testnet11"}), dig-gossip the lower-case hex of a 32-byte genesis. Printable
 *                              ASCII, 1..64 characters, no white space (see {@link #checkNetworkId}). Default
 *                              64 {@code '0'}s: dig-gossip's all-zero {@code Default} as it puts it on the wire
 * @param network               which network's DNS seeds to ask (default {@link Network#MAINNET})
 * @param dnsSeedTimeout        DNS seed resolution timeout (default 30 s)
 * @param dnsSeedBatchSize      DNS seeds queried per discovery round (default 2)
 * @param dnsSeeds              host names (or {@code host:port}) asked for peer addresses while the
 *                              address book is empty (default: the {@code network}'s list)
 * @param targetOutboundCount   outbound connections the discovery loop keeps (default 8)
 * @param maxConnections        hard cap on inbound + outbound connections (default 50)
 * @param bootstrapPeers        static peers dialled first (default none)
 * @param introducer            introducer for peer discovery (default none)
 * @param relay                 relay to register with when this node cannot accept connections (default none)
 * @param certPath              leaf certificate PEM; "" = use {@code transport.identityDir} or an ephemeral identity
 * @param keyPath               leaf private key PEM; "" likewise
 * @param peerConnectInterval   time between rounds of outbound connection attempts (default 30 s)
 * @param gossipFanout          Plumtree eager-push fanout (default 8)
 * @param maxSeenMessages       dedup set capacity (default 100 000)
 * @param peersFilePath         where the address manager is persisted (default {@code peers.dat})
 * @param peerOptions           per-connection options
 * @param keepalivePingInterval override of {@link GossipConstants#PING_INTERVAL} (tests)
 * @param keepalivePeerTimeout  override of {@link GossipConstants#PEER_TIMEOUT} (tests)
 * @param transport             frame cap, handshake caps and timeouts, TLS identity and trust
 * @param tor                   SOCKS5 proxy for outbound connections and {@code .onion} peers (default none: off)
 * @param asmap                 IP-to-AS table grouping peers by AS for outbound selection and address-book
 *                              buckets, next to the /16 rule (default none: /16 only)
 * @param compactBlocks         compact block relay, BIP-152 style ({@link BlockRelayService}); on by default
 * @param dandelion             Dandelion++ for transactions ({@link DandelionService}); on by default
 * @param erlay                 ERLAY transaction relay (the seed's {@code Option<ErlayConfig>}, a default feature); on
 *                              by default; empty = NewTransaction travels by Plumtree like every other payload
 * @param peerIdRotation        a fresh TLS certificate, so PeerId, every interval ({@link PeerIdRotation}); empty = the
 *                              certificate is kept (the seed's {@code None}). Not with an enabled relay, whose
 *                              registration names the PeerId
 */
public record GossipConfig(
        InetSocketAddress listenAddr,
        Optional<PeerId> peerId,
        String networkId,
        Network network,
        Duration dnsSeedTimeout,
        int dnsSeedBatchSize,
        List<String> dnsSeeds,
        int targetOutboundCount,
        int maxConnections,
        List<InetSocketAddress> bootstrapPeers,
        Optional<IntroducerConfig> introducer,
        Optional<RelayConfig> relay,
        String certPath,
        String keyPath,
        Duration peerConnectInterval,
        int gossipFanout,
        int maxSeenMessages,
        Path peersFilePath,
        PeerOptions peerOptions,
        Optional<Duration> keepalivePingInterval,
        Optional<Duration> keepalivePeerTimeout,
        TransportSettings transport,
        Optional<TorConfig> tor,
        Optional<net.dig.gossip.Asmap> asmap,
        CompactBlockConfig compactBlocks,
        DandelionConfig dandelion,
        Optional<ErlayConfig> erlay,
        Optional<PeerIdRotationConfig> peerIdRotation) {

    public GossipConfig {
        Objects.requireNonNull(listenAddr, "listen_addr");
        Objects.requireNonNull(peerId, "peer_id");
        checkNetworkId(networkId);
        Objects.requireNonNull(network, "network");
        positive(dnsSeedTimeout, "dns_seed_timeout");
        atLeast(dnsSeedBatchSize, 1, "dns_seed_batch_size");
        dnsSeeds = List.copyOf(dnsSeeds);
        for (String seed : dnsSeeds) {
            dnsSeedHostPort(seed, GossipConstants.DEFAULT_P2P_PORT);
        }
        atLeast(targetOutboundCount, 0, "target_outbound_count");
        atLeast(maxConnections, 1, "max_connections");
        if (targetOutboundCount > maxConnections) {
            throw new IllegalArgumentException("target_outbound_count (" + targetOutboundCount
                    + ") must not exceed max_connections (" + maxConnections + ")");
        }
        bootstrapPeers = List.copyOf(bootstrapPeers);
        Objects.requireNonNull(introducer, "introducer");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(certPath, "cert_path");
        Objects.requireNonNull(keyPath, "key_path");
        if (certPath.isEmpty() != keyPath.isEmpty()) {
            throw new IllegalArgumentException("cert_path and key_path must be set together (cert_path='" + certPath
                    + "', key_path='" + keyPath + "')");
        }
        positive(peerConnectInterval, "peer_connect_interval");
        atLeast(gossipFanout, 1, "gossip_fanout");
        atLeast(maxSeenMessages, 1, "max_seen_messages");
        Objects.requireNonNull(peersFilePath, "peers_file_path");
        Objects.requireNonNull(peerOptions, "peer_options");
        keepalivePingInterval.ifPresent(d -> positive(d, "keepalive_ping_interval_secs"));
        keepalivePeerTimeout.ifPresent(d -> positive(d, "keepalive_peer_timeout_secs"));
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(tor, "tor");
        Objects.requireNonNull(asmap, "asmap");
        Objects.requireNonNull(compactBlocks, "compact_blocks");
        Objects.requireNonNull(dandelion, "dandelion");
        Objects.requireNonNull(erlay, "erlay");
        Objects.requireNonNull(peerIdRotation, "peer_id_rotation");
        if (peerIdRotation.isPresent() && relay.filter(RelayConfig::enabled).isPresent()) {
            throw new IllegalArgumentException("peer_id_rotation cannot be combined with an enabled relay:"
                    + " the relay registration names the PeerId");
        }
    }

    /** The seed's {@code GossipConfig::default()}. */
    public static GossipConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Effective keepalive probe interval. */
    public Duration pingInterval() {
        return keepalivePingInterval.orElse(GossipConstants.PING_INTERVAL);
    }

    /** Effective keepalive timeout. */
    public Duration peerTimeout() {
        return keepalivePeerTimeout.orElse(GossipConstants.PEER_TIMEOUT);
    }

    /** dig-gossip's default network id as it goes on the wire: its all-zero {@code Bytes32} in hex. */
    public static final String DEFAULT_NETWORK_ID = "0".repeat(64);

    /** Longest accepted network id; Chia's names are short, dig-gossip's hex ids are 64 characters. */
    public static final int MAX_NETWORK_ID_LENGTH = 64;

    /**
     * Checks a network id: 1..64 characters, each printable ASCII other than space (0x21..0x7e).
     * Returns it unchanged; ids are compared exactly (no case folding, no {@code 0x} stripping).
     *
     * @throws IllegalArgumentException naming {@code network_id} and the offending value or character
     */
    public static String checkNetworkId(String networkId) {
        if (networkId == null || networkId.isEmpty()) {
            throw new IllegalArgumentException("network_id must not be empty");
        }
        if (networkId.length() > MAX_NETWORK_ID_LENGTH) {
            throw new IllegalArgumentException("network_id must be at most " + MAX_NETWORK_ID_LENGTH
                    + " characters, got " + networkId.length());
        }
        for (int i = 0; i < networkId.length(); i++) {
            char c = networkId.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(String.format(
                        "network_id must be printable ASCII without white space, got U+%04X at index %d", (int) c, i));
            }
        }
        return networkId;
    }

    /** Which network's DNS seeds to use. No seed is reachable from tests; they use loopback introducers. */
    public enum Network {
        MAINNET(List.of("dns-introducer.chia.net", "chia.ctrlaltdel.ch", "seeder.dexie.space", "chia.hoffmang.com")),
        TESTNET11(List.of("dns-introducer-testnet11.chia.net")),
        /** No DNS seeds: bootstrap peers and introducers only. */
        LOCAL(List.of());

        private final List<String> dnsSeeds;

        Network(List<String> dnsSeeds) {
            this.dnsSeeds = dnsSeeds;
        }

        public List<String> dnsSeeds() {
            return dnsSeeds;
        }
    }

    /**
     * DIG introducer (docs/formats/wire.md).
     *
     * @param endpoint              {@code wss://host:port} (a {@code ws://} prefix is accepted, TLS is used regardless)
     * @param connectionTimeout     default 10 s
     * @param requestTimeout        default 30 s
     * @param networkId             the introducer's network label, default {@code "DIG_MAINNET"}
     */
    public record IntroducerConfig(String endpoint, Duration connectionTimeout, Duration requestTimeout, String networkId) {
        public IntroducerConfig {
            Objects.requireNonNull(endpoint, "introducer.endpoint");
            positive(connectionTimeout, "introducer.connection_timeout_secs");
            positive(requestTimeout, "introducer.request_timeout_secs");
            Objects.requireNonNull(networkId, "introducer.network_id");
            address(endpoint);
        }

        public static IntroducerConfig of(String endpoint) {
            return new IntroducerConfig(endpoint, Duration.ofSeconds(10), Duration.ofSeconds(30), "DIG_MAINNET");
        }

        /** The host and port of {@link #endpoint()} (default port 9448). */
        public InetSocketAddress address() {
            return address(endpoint);
        }

        private static InetSocketAddress address(String endpoint) {
            java.net.URI uri;
            try {
                uri = java.net.URI.create(endpoint.contains("://") ? endpoint : "wss://" + endpoint);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("introducer.endpoint is not a URL: " + endpoint, e);
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("introducer.endpoint has no host: " + endpoint);
            }
            int port = uri.getPort() < 0 ? GossipConstants.DEFAULT_INTRODUCER_PORT : uri.getPort();
            return InetSocketAddress.createUnresolved(uri.getHost(), port);
        }
    }

    /** Per-connection options. {@code rateLimitFactor} scales the outbound rate limits (1.0 = the table as is). */
    public record PeerOptions(double rateLimitFactor) {
        public PeerOptions {
            if (!(rateLimitFactor > 0 && rateLimitFactor <= 10)) {
                throw new IllegalArgumentException("peer_options.rate_limit_factor must be in (0, 10], got " + rateLimitFactor);
            }
        }

        public static PeerOptions defaults() {
            return new PeerOptions(1.0);
        }
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private InetSocketAddress listenAddr = new InetSocketAddress("0.0.0.0", GossipConstants.DEFAULT_P2P_PORT);
        private Optional<PeerId> peerId = Optional.empty();
        private String networkId = DEFAULT_NETWORK_ID;
        private Network network = Network.MAINNET;
        private Duration dnsSeedTimeout = Duration.ofSeconds(30);
        private int dnsSeedBatchSize = 2;
        private List<String> dnsSeeds; // null = the network's own list
        private int targetOutboundCount = 8;
        private int maxConnections = 50;
        private List<InetSocketAddress> bootstrapPeers = List.of();
        private Optional<IntroducerConfig> introducer = Optional.empty();
        private Optional<RelayConfig> relay = Optional.empty();
        private String certPath = "";
        private String keyPath = "";
        private Duration peerConnectInterval = Duration.ofSeconds(30);
        private int gossipFanout = 8;
        private int maxSeenMessages = 100_000;
        private Path peersFilePath = Path.of("peers.dat");
        private PeerOptions peerOptions = PeerOptions.defaults();
        private Optional<Duration> keepalivePingInterval = Optional.empty();
        private Optional<Duration> keepalivePeerTimeout = Optional.empty();
        private Optional<ErlayConfig> erlay = Optional.of(ErlayConfig.defaults());
        private TransportSettings transport = TransportSettings.defaults();
        private Optional<TorConfig> tor = Optional.empty();
        private Optional<net.dig.gossip.Asmap> asmap = Optional.empty();
        private CompactBlockConfig compactBlocks = CompactBlockConfig.defaults();
        private DandelionConfig dandelion = DandelionConfig.defaults();
        private Optional<PeerIdRotationConfig> peerIdRotation = Optional.empty();

        private Builder() {}

        private Builder(GossipConfig c) {
            listenAddr = c.listenAddr; peerId = c.peerId; networkId = c.networkId; network = c.network;
            dnsSeedTimeout = c.dnsSeedTimeout; dnsSeedBatchSize = c.dnsSeedBatchSize; dnsSeeds = c.dnsSeeds;
            targetOutboundCount = c.targetOutboundCount; maxConnections = c.maxConnections;
            bootstrapPeers = c.bootstrapPeers; introducer = c.introducer; relay = c.relay;
            certPath = c.certPath; keyPath = c.keyPath; peerConnectInterval = c.peerConnectInterval;
            gossipFanout = c.gossipFanout; maxSeenMessages = c.maxSeenMessages; peersFilePath = c.peersFilePath;
            peerOptions = c.peerOptions; keepalivePingInterval = c.keepalivePingInterval;
            keepalivePeerTimeout = c.keepalivePeerTimeout; transport = c.transport;
            tor = c.tor; asmap = c.asmap;
            compactBlocks = c.compactBlocks; dandelion = c.dandelion;
            erlay = c.erlay;
            peerIdRotation = c.peerIdRotation;
        }

        public Builder listenAddr(InetSocketAddress v) { listenAddr = v; return this; }
        public Builder peerId(PeerId v) { peerId = Optional.of(v); return this; }
        public Builder networkId(String v) { networkId = v; return this; }
        public Builder network(Network v) { network = v; return this; }
        public Builder dnsSeedTimeout(Duration v) { dnsSeedTimeout = v; return this; }
        public Builder dnsSeedBatchSize(int v) { dnsSeedBatchSize = v; return this; }
        /** Overrides the network's DNS seeds ({@code host} or {@code host:port}); an empty list asks none. */
        public Builder dnsSeeds(List<String> v) { dnsSeeds = v; return this; }
        public Builder targetOutboundCount(int v) { targetOutboundCount = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder bootstrapPeers(List<InetSocketAddress> v) { bootstrapPeers = v; return this; }
        public Builder introducer(IntroducerConfig v) { introducer = Optional.ofNullable(v); return this; }
        public Builder relay(RelayConfig v) { relay = Optional.ofNullable(v); return this; }
        public Builder certPath(String v) { certPath = v; return this; }
        public Builder keyPath(String v) { keyPath = v; return this; }
        public Builder peerConnectInterval(Duration v) { peerConnectInterval = v; return this; }
        public Builder gossipFanout(int v) { gossipFanout = v; return this; }
        public Builder maxSeenMessages(int v) { maxSeenMessages = v; return this; }
        public Builder peersFilePath(Path v) { peersFilePath = v; return this; }
        public Builder peerOptions(PeerOptions v) { peerOptions = v; return this; }
        public Builder keepalivePingInterval(Duration v) { keepalivePingInterval = Optional.ofNullable(v); return this; }
        public Builder keepalivePeerTimeout(Duration v) { keepalivePeerTimeout = Optional.ofNullable(v); return this; }
        public Builder transport(TransportSettings v) { transport = v; return this; }
        public Builder tor(TorConfig v) { tor = Optional.ofNullable(v); return this; }
        public Builder asmap(net.dig.gossip.Asmap v) { asmap = Optional.ofNullable(v); return this; }
        public Builder compactBlocks(CompactBlockConfig v) { compactBlocks = v; return this; }
        public Builder dandelion(DandelionConfig v) { dandelion = v; return this; }
        /** ERLAY relay of NewTransaction instead of Plumtree (on by default, {@link ErlayConfig#defaults}); null keeps Plumtree. */
        public Builder erlay(ErlayConfig v) { erlay = Optional.ofNullable(v); return this; }
        /** PeerId rotation; null (the default) keeps the certificate. */
        public Builder peerIdRotation(PeerIdRotationConfig v) { peerIdRotation = Optional.ofNullable(v); return this; }

        public GossipConfig build() {
            return new GossipConfig(listenAddr, peerId, networkId, network, dnsSeedTimeout, dnsSeedBatchSize,
                    dnsSeeds == null ? network.dnsSeeds() : dnsSeeds, targetOutboundCount, maxConnections, bootstrapPeers, introducer, relay, certPath, keyPath,
                    peerConnectInterval, gossipFanout, maxSeenMessages, peersFilePath, peerOptions,
                    keepalivePingInterval, keepalivePeerTimeout, transport, tor, asmap, compactBlocks, dandelion, erlay,
                    peerIdRotation);
        }
    }

    /**
     * The port peers found through DNS seeds listen on when a seed names none: Chia's full-node port
     * on Chia's networks, dig-gossip's P2P port otherwise.
     */
    public int dnsSeedDefaultPort() {
        return network == Network.LOCAL ? GossipConstants.DEFAULT_P2P_PORT : CHIA_FULL_NODE_PORT;
    }

    private static final int CHIA_FULL_NODE_PORT = 8444;

    /** Splits a DNS seed entry ({@code host} or {@code host:port}) and checks it. */
    static InetSocketAddress dnsSeedHostPort(String seed, int defaultPort) {
        if (seed == null || seed.isBlank() || seed.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("dns_seeds entries must be host or host:port, got '" + seed + "'");
        }
        int colon = seed.lastIndexOf(':');
        if (colon < 0) {
            return InetSocketAddress.createUnresolved(seed, defaultPort);
        }
        try {
            int port = Integer.parseInt(seed.substring(colon + 1));
            if (colon == 0 || port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(seed.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dns_seeds entries must be host or host:port, got '" + seed + "'");
        }
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be a positive duration, got " + d);
        }
    }

    private static void atLeast(int value, int min, String key) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be >= " + min + ", got " + value);
        }
    }
}
