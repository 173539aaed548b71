package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dig.gossip.ErlayConfig;
import net.dig.gossip.ErlayReconciler;
import net.dig.testkit.ManualClock;
import net.dig.wire.Capability;
import net.dig.wire.Handshake;
import net.dig.wire.Message;
import net.dig.wire.NodeType;
import net.dig.wire.ReconciliationSalt;
import net.dig.wire.WireLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that supersedes an older one of the same PeerId (the tie-break of a simultaneous dial,
 * {@link net.dig.gossip.HandshakeRules#supersedes}) is a new neighbour: the node drops the old connection's
 * per-connection state and starts afresh, so ERLAY salts are exchanged again on the new connection.
 *
 * <p>Node "big" (the larger PeerId) dials node "small"; then a raw peer holding small's own TLS identity
 * dials big. At big that inbound connection was dialled by the smaller PeerId, so it supersedes big's own
 * dial, as when both had dialled at once.
 */
class SupersededConnectionTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;
    private EventLoopGroup raw;

    @AfterEach
    void tearDown() {
        if (raw != null) {
            raw.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aSupersedingConnectionGetsAFreshSaltExchangeAndItsPeersSaltIsAccepted() throws Exception {
        nodes = new TestNodes(dir, clock);
        ErlayConfig erlay = new ErlayConfig(1, 500, 8);
        GossipService first = nodes.start(b -> b.erlay(erlay));
        GossipService second = nodes.start(b -> b.erlay(erlay));
        boolean firstIsSmall = first.peerId().compareTo(second.peerId()) < 0;
        GossipService small = firstIsSmall ? first : second;
        GossipService big = firstIsSmall ? second : first;
        Path smallHome = dir.resolve(firstIsSmall ? "node-1" : "node-2");

        get(big.handle().connectTo(TestNodes.loopback(small)));
        await().atMost(BOUND).until(() -> get(big.erlaySalts(small.peerId())).isPresent());
        ErlayReconciler.Salts before = get(big.erlaySalts(small.peerId())).orElseThrow();

        raw = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        TlsIdentity smallsIdentity = TlsIdentity.loadOrCreate(smallHome,
                Optional.of(new TlsIdentity.CaFiles(nodes.pki.caCertificatePath(), nodes.pki.caKeyPath())), net.dig.core.Clock.system());
        assertThat(smallsIdentity.peerId()).isEqualTo(small.peerId().value());
        RawPeer peer = RawPeer.connect(raw, smallsIdentity, nodes.config().build().transport(), "127.0.0.1", TestNodes.loopback(big));
        await().atMost(BOUND).until(() -> peer.upgraded || !peer.isOpen());
        peer.sendFrame(new Handshake(TestNodes.NETWORK, GossipConstants.PROTOCOL_VERSION, "dig-raw/1", 0, NodeType.FULL_NODE.code(),
                List.of(Capability.enabled(1), Capability.enabled(2), Capability.enabled(3))).toMessage().encode());

        await("big sends a new salt on the superseding connection").atMost(BOUND)
                .until(() -> saltIn(peer).isPresent() || !peer.isOpen());
        ReconciliationSalt fresh = saltIn(peer).orElseThrow(() -> new AssertionError("no salt; closed with " + peer.closeReason.get()));
        long rawSalt = 0x5a17_5a17_5a17_5a17L;
        peer.sendFrame(new ReconciliationSalt(rawSalt).toMessage().encode());

        await().atMost(BOUND).until(() -> get(big.erlaySalts(small.peerId())).map(s -> s.remote() == rawSalt).orElse(false));
        ErlayReconciler.Salts after = get(big.erlaySalts(small.peerId())).orElseThrow();
        assertThat(after).isEqualTo(new ErlayReconciler.Salts(fresh.salt(), rawSalt));
        assertThat(after.local()).as("drawn afresh for the new connection").isNotEqualTo(before.local());
        assertThat(peer.isOpen()).as("the new salt was no protocol violation").isTrue();
        assertThat(get(big.handle().peerCount())).isEqualTo(1);
    }

    private static Optional<ReconciliationSalt> saltIn(RawPeer peer) {
        for (byte[] frame : peer.received) {
            Message m = Message.decode(frame, WireLimits.DEFAULT);
            if (m.type() == ReconciliationSalt.OPCODE && ReconciliationSalt.isSalt(m.data())) {
                return Optional.of(ReconciliationSalt.decode(m.data()));
            }
        }
        return Optional.empty();
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
}
