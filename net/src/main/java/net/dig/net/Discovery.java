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
    private final PeerIntake intake;
    private final DiscoveryPlanner planner;
    private final net.dig.gossip.AddressRelay relay;
    private volatile int known;

    Discovery(GossipConfig config, Clock clock, RandomGenerator random, Duration redialInterval, Duration introducerBackoffMax) {
        this.clock = clock;
        this.file = config.peersFilePath();
        boolean allowPrivate = config.network() == GossipConfig.Network.LOCAL;
        AddressManager loaded = null;
        if (Files.exists(file)) {
            try {
                loaded = AddressBookFile.load(file, clock, random, allowPrivate);
            } catch (IOException | RuntimeException e) {
                LOG.warn("address_book_unreadable: ignoring unreadable address book {}: {}", file, e.getMessage());
            }
        }
        this.book = loaded != null ? loaded : AddressManager.create(clock, random, allowPrivate);
        this.intake = new PeerIntake(book);
        List<PeerAddress> bootstrap = config.bootstrapPeers().stream()
                .filter(a -> !a.isUnresolved()).map(Discovery::peerAddress).toList();
        DiscoveryPlanner.Settings defaults = DiscoveryPlanner.Settings.defaults(bootstrap, config.introducer().isPresent());
        this.planner = new DiscoveryPlanner(new DiscoveryPlanner.Settings(config.targetOutboundCount(),
                GossipConstants.PARALLEL_CONNECT_BATCH_SIZE, defaults.feelerMeanInterval(), redialInterval, bootstrap,
                config.introducer().isPresent(), introducerBackoffMax, defaults.exemptPrivateFromGroupRule()), book, random);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.relay = new net.dig.gossip.AddressRelay(net.dig.core.Bytes32.wrap(secret));
        this.known = book.size();
    }

    static PeerAddress peerAddress(InetSocketAddress address) {
        return new PeerAddress(address.getAddress(), address.getPort());
    }

    static InetSocketAddress socketAddress(PeerAddress address) {
        return new InetSocketAddress(address.ip(), address.port());
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
        PeerIntake.Outcome outcome = intake.onPeerList(peerAddress(sender), peers, clock.epochSeconds());
        refresh();
        if (!outcome.accepted()) {
            LOG.debug("peer_list_ignored: ignored peer list from {}: {}", sender, outcome.reason());
            return List.of();
        }
        return relay.onPeerList(peerAddress(sender), peers, neighbours.stream().map(Discovery::peerAddress).toList(),
                clock.epochSeconds());
    }

    void onNeighbourGone(InetSocketAddress neighbour) {
        relay.onDisconnected(peerAddress(neighbour));
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
