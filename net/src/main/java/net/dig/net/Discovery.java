package net.dig.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import net.dig.core.Clock;
import net.dig.gossip.AddressBookFile;
import net.dig.gossip.AddressGroups;
import net.dig.gossip.OutboundDiversity;
import net.dig.gossip.AddressManager;
import net.dig.gossip.DiscoveryPlanner;
import net.dig.gossip.PeerAddress;
import net.dig.gossip.PeerIntake;
import net.dig.wire.TimestampedPeerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The net layer's side of peer discovery: owns dig-gossip's {@link AddressManager} (the address
 * book, persisted to {@code peers_file_path}), its {@link PeerIntake} (RespondPeers / introducer
 * caps) and the {@link DiscoveryPlanner} (whom to dial and when), and converts between socket
 * addresses and {@link PeerAddress}.
 *
 * <p>Concurrency: none of these are thread-safe, so every method must run on the service's control
 * event loop; connection loops reach it with {@code control.execute(...)}. The known-address count
 * is published through a volatile for stats. File reads happen in the constructor (before start);
 * saving encodes on the loop and writes on the service's blocking executor (or the stopping thread).
 *
 * <p>Private and loopback addresses are accepted only for {@link GossipConfig.Network#LOCAL}
 * (devnets and tests), as Chia and dig-gossip refuse them on public networks.
 */
final class Discovery {
    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private final Clock clock;
    private final Path file;
    private final AddressManager book;
    private final AddressGroups groups;
    private final PeerIntake intake;
    private final DiscoveryPlanner planner;
    private final net.dig.gossip.AddressRelay relay;
    private volatile int known;

    Discovery(GossipConfig config, Clock clock, RandomGenerator random, Duration redialInterval, Duration introducerBackoffMax) {
        this.clock = clock;
        this.file = config.peersFilePath();
        boolean allowPrivate = config.network() == GossipConfig.Network.LOCAL;
        this.groups = AddressGroups.of(config.asmap());
        AddressManager loaded = null;
        if (Files.exists(file)) {
            try {
                loaded = AddressBookFile.load(file, clock, random, allowPrivate, groups);
            } catch (IOException | RuntimeException e) {
                LOG.warn("address_book_unreadable: ignoring unreadable address book {}: {}", file, e.getMessage());
            }
        }
        this.book = loaded != null ? loaded : AddressManager.create(clock, random, allowPrivate, groups);
        this.intake = new PeerIntake(book);
        List<PeerAddress> bootstrap = config.bootstrapPeers().stream()
                .filter(a -> !a.isUnresolved()).map(Discovery::peerAddress).toList();
        DiscoveryPlanner.Settings defaults = DiscoveryPlanner.Settings.defaults(bootstrap, config.introducer().isPresent());
        this.planner = new DiscoveryPlanner(new DiscoveryPlanner.Settings(config.targetOutboundCount(),
                GossipConstants.PARALLEL_CONNECT_BATCH_SIZE, defaults.feelerMeanInterval(), redialInterval, bootstrap,
                config.introducer().isPresent(), introducerBackoffMax, defaults.exemptPrivateFromGroupRule(), config.tor().isPresent()),
                book, random);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.relay = new net.dig.gossip.AddressRelay(net.dig.core.Bytes32.wrap(secret));
        this.known = book.size();
    }

    /** An IP, or an onion reached through the proxy; empty for a DNS name (those are not address-book entries). */
    static Optional<PeerAddress> knownAddress(InetSocketAddress address) {
        if (address.getAddress() != null) {
            return Optional.of(new PeerAddress(address.getAddress(), address.getPort()));
        }
        return PeerAddress.parse(address.getHostString(), address.getPort()).filter(PeerAddress::isOnion);
    }

    static PeerAddress peerAddress(InetSocketAddress address) {
        return new PeerAddress(address.getAddress(), address.getPort());
    }

    /** Where to dial: an IP as is, an onion as an unresolved name only the proxy resolves. */
    static InetSocketAddress socketAddress(PeerAddress address) {
        return address.isOnion() ? InetSocketAddress.createUnresolved(address.host(), address.port())
                : new InetSocketAddress(address.ip(), address.port());
    }

    /**
     * Why dialling {@code candidate} would put a second outbound connection into one AS or /16 with one of
     * {@code outbound} (live outbound peers, planned or not), or empty ({@link OutboundDiversity}).
     */
    Optional<String> diversityConflict(PeerAddress candidate, List<InetSocketAddress> outbound) {
        List<PeerAddress> open = outbound.stream().map(Discovery::knownAddress).flatMap(Optional::stream).toList();
        return OutboundDiversity.conflict(groups, candidate, open, true);
    }

    List<DiscoveryPlanner.Action> tick() {
        List<DiscoveryPlanner.Action> actions = planner.tick(clock.millis());
        refresh();
        return actions;
    }

    DiscoveryPlanner planner() {
        return planner;
    }

    void onInboundFullNode(InetSocketAddress listening) {
        intake.onInboundFullNode(peerAddress(listening), clock.epochSeconds());
        refresh();
    }

    /**
     * Takes in a peer list; returns the relays to perform (a fresh single address goes on to two
     * neighbours, dig-gossip's {@link net.dig.gossip.AddressRelay}).
     */
    List<net.dig.gossip.AddressRelay.Relay> onPeerList(InetSocketAddress sender, List<TimestampedPeerInfo> peers,
            List<InetSocketAddress> neighbours) {
        Optional<PeerAddress> from = knownAddress(sender);
        if (from.isEmpty()) {
            LOG.debug("peer_list_ignored: ignored peer list from {}: reached by name through the proxy", sender);
            return List.of();
        }
        PeerIntake.Outcome outcome = intake.onPeerList(from.get(), peers, clock.epochSeconds());
        refresh();
        if (!outcome.accepted()) {
            LOG.debug("peer_list_ignored: ignored peer list from {}: {}", sender, outcome.reason());
            return List.of();
        }
        return relay.onPeerList(from.get(), peers,
                neighbours.stream().map(Discovery::knownAddress).flatMap(Optional::stream).toList(), clock.epochSeconds());
    }

    void onNeighbourGone(InetSocketAddress neighbour) {
        knownAddress(neighbour).ifPresent(relay::onDisconnected);
    }

    void forgetDailyRelays() {
        relay.forgetDaily();
    }

    int onIntroducerPeers(List<TimestampedPeerInfo> peers) {
        int added = intake.onIntroducerPeers(peers, clock.epochSeconds());
        refresh();
        return added;
    }

    List<TimestampedPeerInfo> peersToShare() {
        return book.getPeers();
    }

    int knownAddresses() {
        return known;
    }

    /** Encodes the book now (on the loop) and writes it on {@code blocking}. */
    void saveInBackground(java.util.concurrent.Executor blocking) {
        byte[] bytes = encode();
        blocking.execute(() -> write(bytes));
    }

    /** The book's file contents; on the loop. */
    byte[] encode() {
        return AddressBookFile.encode(book);
    }

    /** Writes encoded contents to the book's file; blocking, never on an event loop. */
    void write(byte[] bytes) {
        EventLoopBlocking.check("write " + file);
        try {
            PemFiles.writeAtomically(file, bytes, "rw-r--r--");
        } catch (TlsIdentityException e) {
            LOG.warn("address_book_save_failed: cannot save the address book: {}", e.getMessage());
        }
    }

    private void refresh() {
        known = book.size();
    }

}
