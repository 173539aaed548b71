package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.dig.testkit.ManualClock;
import net.dig.gossip.PenaltyReason;
import net.dig.wire.Message;
import net.dig.wire.RespondPeers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GossipServiceTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;

    @BeforeEach
    void setUp() {
        nodes = new TestNodes(dir, clock);
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    static GossipError errorOf(CompletableFuture<?> future) {
        try {
            future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GossipException g) {
                return g.error();
            }
            throw new AssertionError("unexpected failure", e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the future succeeded");
    }

    @Test
    void twoNodesHandshakeAsDialerAndAsListener() throws Exception {
        GossipService a = nodes.start();
        GossipService b = nodes.start();
        GossipService c = nodes.start();

        assertThat(get(a.handle().connectTo(TestNodes.loopback(b)))).isEqualTo(b.peerId());
        assertThat(get(c.handle().connectTo(TestNodes.loopback(a)))).isEqualTo(a.peerId());

        await().atMost(BOUND).until(() -> get(b.handle().peerCount()) == 1 && get(a.handle().peerCount()) == 2);
        PeerConnection seenByB = get(b.handle().connectedPeers()).getFirst();
        assertThat(seenByB.peerId()).isEqualTo(a.peerId());
        assertThat(seenByB.isOutbound()).isFalse();
        assertThat(seenByB.nodeType()).isEqualTo(1);
        assertThat(seenByB.protocolVersion()).isEqualTo(GossipConstants.PROTOCOL_VERSION);
        assertThat(seenByB.peerServerPort()).isEqualTo(a.listenAddress().getPort());
        assertThat(get(a.handle().connectedPeers())).extracting(PeerConnection::peerId, PeerConnection::isOutbound)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(b.peerId(), true),
                        org.assertj.core.groups.Tuple.tuple(c.peerId(), false));
        // the dialer sent RequestPeers right after the handshake and B answered it
        await().atMost(BOUND).until(() -> get(b.handle().stats()).messagesReceived() >= 2);
        assertThat(get(a.handle().healthCheck())).isNull();
    }

    @Test
    void wrongNetworkIdIsRefusedWith1002AndTheAddressIsBannedForAShortTime() throws Exception {
        GossipService a = nodes.start();
        GossipService stranger = nodes.start(cfg -> cfg.networkId("testnet10"));

        GossipError error = errorOf(stranger.handle().connectTo(TestNodes.loopback(a)));
        assertThat(error).isEqualTo(new GossipError.HandshakeFailed(110, "peer closed with 1002 110"));
        assertThat(get(a.handle().peerCount())).isZero();
        assertThat(get(a.handle().stats()).bannedAddresses()).isEqualTo(1);

        GossipService honest = nodes.start();
        assertThat(errorOf(honest.handle().connectTo(TestNodes.loopback(a))))
                .isInstanceOfSatisfying(GossipError.ClientError.class, e -> assertThat(e.detail()).contains("403"));

        clock.advance(Duration.ofSeconds(11));
        assertThat(get(honest.handle().connectTo(TestNodes.loopback(a)))).isEqualTo(a.peerId());
    }

    @Test
    void selfConnectionIsDetectedByAddressAndByPeerId() throws Exception {
        GossipService a = nodes.start();
        assertThat(errorOf(a.handle().connectTo(TestNodes.loopback(a)))).isInstanceOf(GossipError.SelfConnection.class);

        Path identity = nodes.dir.resolve("node-1");
        GossipService twin = nodes.start(cfg -> cfg.certPath(identity.resolve("node.crt").toString())
                .keyPath(identity.resolve("node.key").toString())
                .transport(cfg.build().transport().toBuilder().identity(Optional.empty(),
                        Optional.of(new TlsIdentity.CaFiles(nodes.pki.caCertificatePath(), nodes.pki.caKeyPath())), PeerTrust.NETWORK_CA).build()));
        assertThat(twin.peerId()).isEqualTo(a.peerId());
        assertThat(errorOf(a.handle().connectTo(TestNodes.loopback(twin)))).isInstanceOf(GossipError.SelfConnection.class);
        assertThat(get(a.handle().peerCount())).isZero();
    }

    @Test
    void duplicateConnectionIsRefused() throws Exception {
        GossipService a = nodes.start();
        GossipService b = nodes.start();
        get(a.handle().connectTo(TestNodes.loopback(b)));
        assertThat(errorOf(a.handle().connectTo(TestNodes.loopback(b)))).isEqualTo(new GossipError.DuplicateConnection(b.peerId()));
        await().atMost(BOUND).until(() -> get(b.handle().peerCount()) == 1);
        assertThat(get(a.handle().peerCount())).isEqualTo(1);
    }

    @Test
    void twoNodesDiallingEachOtherAtOnceKeepOneConnectionAndAgreeWhichItIs() throws Exception {
        for (int round = 0; round < 8; round++) {
            GossipService a = nodes.start();
            GossipService b = nodes.start();
            CompletableFuture<?> ab = a.handle().connectTo(TestNodes.loopback(b)).exceptionally(e -> null);
            CompletableFuture<?> ba = b.handle().connectTo(TestNodes.loopback(a)).exceptionally(e -> null);
            CompletableFuture.allOf(ab, ba).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            int r = round;
            await("round " + r + ": one connection, seen the same way from both ends").atMost(BOUND).until(() -> {
                java.util.List<PeerConnection> atA = get(a.handle().connectedPeers());
                java.util.List<PeerConnection> atB = get(b.handle().connectedPeers());
                return atA.size() == 1 && atB.size() == 1 && atA.getFirst().isOutbound() != atB.getFirst().isOutbound();
            });
            a.stop();
            b.stop();
        }
    }

    @Test
    void requestsAreMatchedByIdAndUnmatchedIdsReachTheApplication() throws Exception {
        GossipService a = nodes.start();
        GossipService b = nodes.start();
        InboundReceiver atA = a.handle().inboundReceiver();
        InboundReceiver atB = b.handle().inboundReceiver();
        get(a.handle().connectTo(TestNodes.loopback(b)));

        RespondPeers peersOfB = get(a.handle().requestPeersFrom(b.peerId()));
        assertThat(peersOfB.peerList()).isNotNull();

        CompletableFuture<Message> reply = a.handle().request(b.peerId(), Message.of(205, new byte[] {7}));
        InboundMessage request = receive(atB, 205);
        assertThat(request.peer()).isEqualTo(a.peerId());
        int id = request.message().id().orElseThrow();
        assertThat(id).as("dialer ids are 0..32767").isBetween(0, 32767);
        get(b.handle().sendTo(a.peerId(), new Message(206, OptionalInt.of(id), new byte[] {8})));
        assertThat(get(reply).data()).containsExactly(8);

        get(b.handle().sendTo(a.peerId(), new Message(206, OptionalInt.of(12345), new byte[] {9})));
        InboundMessage unmatched = receive(atA, 206);
        assertThat(unmatched.message().id()).hasValue(12345);
        assertThat(unmatched.message().data()).containsExactly(9);

        CompletableFuture<Message> fromListener = b.handle().request(a.peerId(), Message.of(205, new byte[0]));
        int listenerId = receive(atA, 205).message().id().orElseThrow();
        assertThat(listenerId).as("listener ids are 32768..65535").isBetween(32768, 65535);
        get(a.handle().sendTo(b.peerId(), new Message(206, OptionalInt.of(listenerId), new byte[0])));
        assertThat(get(fromListener).type()).isEqualTo(206);
    }

    @Test
    void keepalivePingsMeasureRttAndSilentPeersAreDropped() throws Exception {
        GossipService a = nodes.start(cfg -> cfg.keepalivePingInterval(Duration.ofSeconds(30)).keepalivePeerTimeout(Duration.ofSeconds(90)));
        GossipService b = nodes.start();
        get(a.handle().connectTo(TestNodes.loopback(b)));
        await().atMost(BOUND).until(() -> get(b.handle().peerCount()) == 1);

        clock.advance(Duration.ofSeconds(31));
        a.runKeepaliveRound();
        await().atMost(BOUND).until(() -> get(a.handle().connectedPeers()).getFirst().avgRttMillis().isPresent());

        clock.advance(Duration.ofSeconds(89));
        a.runKeepaliveRound();
        assertThat(get(a.handle().peerCount())).isEqualTo(1);

        b.stop();
        a.runKeepaliveRound();
        await().atMost(BOUND).until(() -> get(a.handle().peerCount()) == 0);
    }

    @Test
    void silentPeerIsDisconnectedAfterThePeerTimeout() throws Exception {
        GossipService a = nodes.start(cfg -> cfg.keepalivePingInterval(Duration.ofSeconds(30)).keepalivePeerTimeout(Duration.ofSeconds(90)));
        GossipService b = nodes.start();
        get(a.handle().connectTo(TestNodes.loopback(b)));
        await().atMost(BOUND).until(() -> get(b.handle().peerCount()) == 1);
        // nothing is heard while the clock jumps past the timeout (the ping is never due before the check)
        clock.advance(Duration.ofSeconds(91));
        a.runKeepaliveRound();
        await().atMost(BOUND).until(() -> get(a.handle().peerCount()) == 0);
        await().atMost(BOUND).until(() -> get(b.handle().peerCount()) == 0);
    }

    @Test
    void broadcastsTravelByPlumtreeAcrossAnIntermediateNode() throws Exception {
        GossipService a = nodes.start();
        GossipService b = nodes.start();
        GossipService c = nodes.start();
        InboundReceiver atB = b.handle().inboundReceiver();
        InboundReceiver atC = c.handle().inboundReceiver();
        get(a.handle().connectTo(TestNodes.loopback(b)));
        get(b.handle().connectTo(TestNodes.loopback(c)));
        await().atMost(BOUND).until(() -> get(b.handle().peerCount()) == 2 && get(c.handle().peerCount()) == 1);

        assertThat(get(a.handle().broadcast(Message.of(201, new byte[] {5}), Optional.empty()))).isEqualTo(1);
        assertThat(receive(atB, 201).peer()).isEqualTo(a.peerId());
        InboundMessage forwarded = receive(atC, 201);
        assertThat(forwarded.peer()).as("C got it from B, which forwarded it").isEqualTo(b.peerId());
        assertThat(forwarded.message().data()).containsExactly(5);

        assertThat(errorOf(a.handle().broadcast(Message.of(214, new byte[0]), Optional.empty())))
                .isInstanceOf(GossipError.MessageRejected.class);
        assertThat(errorOf(a.handle().broadcast(new Message(201, OptionalInt.of(3), new byte[0]), Optional.empty())))
                .isInstanceOf(GossipError.MessageRejected.class);
    }

    @Test
    void aValidatorRejectingATypeStopsItAtTheFirstHopAndPenalisesTheSender() throws Exception {
        GossipService a = nodes.start();
        GossipService b = nodes.start();
        GossipService c = nodes.start();
        b.handle().registerValidator(200, (from, m) ->
                java.util.concurrent.CompletableFuture.completedFuture(net.dig.gossip.Verdict.reject(PenaltyReason.PROTOCOL_VIOLATION)));
        InboundReceiver atB = b.handle().inboundReceiver();
        InboundReceiver atC = c.handle().inboundReceiver();
        get(a.handle().connectTo(TestNodes.loopback(b)));
        get(b.handle().connectTo(TestNodes.loopback(c)));
        await().atMost(BOUND).until(() -> get(b.handle().peerCount()) == 2 && get(c.handle().peerCount()) == 1);

        assertThat(get(a.handle().broadcast(Message.of(200, new byte[] {1}), Optional.empty()))).isEqualTo(1);
        assertThat(get(a.handle().broadcast(Message.of(201, new byte[] {2}), Optional.empty()))).isEqualTo(1);
        // 201 follows 200 on the same links and the same loops: once it arrived, 200 would have too.
        assertThat(typesUntil(atB, 201)).doesNotContain(200);
        assertThat(typesUntil(atC, 201)).as("B forwarded the accepted type only").doesNotContain(200);
        assertThat(b.reputationOf(a.peerId()).penaltyPoints()).isEqualTo(PenaltyReason.PROTOCOL_VIOLATION.points());
        assertThat(c.reputationOf(b.peerId()).penaltyPoints()).isZero();
        // the verdict is counted on the router's thread, which may still be counting when 201 is delivered
        await().atMost(BOUND).untilAsserted(() -> {
            MessageBusStats stats = b.handle().messageBusStats();
            assertThat(stats.validation().rejected()).isEqualTo(1);
            assertThat(stats.validation().accepted()).isEqualTo(1);
        });
    }

    @Test
    void aBusyHandlerPausesTheSendingConnectionAndLosesNothing() throws Exception {
        GossipService a = nodes.start();
        GossipService b = nodes.start(x -> x, new net.dig.gossip.MessageBusConfig(64, 2));
        java.util.List<CompletableFuture<Void>> unfinished = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<Integer> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        var slow = b.handle().subscribe(t -> t == 200, (from, m) -> {
            got.add(m.id().orElseThrow());
            CompletableFuture<Void> done = new CompletableFuture<>();
            unfinished.add(done);
            return done;
        });
        get(a.handle().connectTo(TestNodes.loopback(b)));
        await().atMost(BOUND).until(() -> get(b.handle().peerCount()) == 1);

        // type 200 with an id is not gossip: it goes straight from the connection to the handler
        int sent = 12;
        for (int i = 0; i < sent; i++) {
            get(a.handle().sendTo(b.peerId(), new Message(200, OptionalInt.of(1000 + i), new byte[] {(byte) i})));
        }
        await().atMost(BOUND).until(() -> got.size() >= 2);
        // release the handler's work one message at a time until every message has arrived
        for (int released = 0; released < sent; released++) {
            int r = released;
            await().atMost(BOUND).until(() -> unfinished.size() > r);
            unfinished.get(r).complete(null);
        }
        await().atMost(BOUND).until(() -> got.size() == sent);
        assertThat(got).as("in order, none lost").containsExactlyElementsOf(
                java.util.stream.IntStream.range(1000, 1000 + sent).boxed().toList());
        assertThat(slow.refused()).isZero();
        MessageBusStats stats = b.handle().messageBusStats();
        assertThat(stats.delivery().refused()).isZero();
        assertThat(stats.delivery().pauses()).as("the connection was paused at the bound").isPositive();
        assertThat(get(b.handle().peerCount())).as("and is still up").isEqualTo(1);
    }

    /** The types received until one of {@code last} arrives. */
    static java.util.List<Integer> typesUntil(InboundReceiver receiver, int last) throws InterruptedException {
        java.util.List<Integer> types = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<InboundMessage> m = receiver.receive(Duration.ofMillis(200));
            if (m.isPresent()) {
                types.add(m.get().message().type());
                if (m.get().message().type() == last) {
                    return types;
                }
            }
        }
        throw new AssertionError("no message of type " + last + " (got " + types + ")");
    }

    @Test
    void nodesWithTheirOwnGeneratedCasConnectUnderTheDefaultTrustButNotUnderNetworkCa() throws Exception {
        java.util.function.UnaryOperator<GossipConfig.Builder> ownCa = cfg -> cfg.transport(TransportSettings.defaults()
                .toBuilder().ipBanExempt(java.util.Set.of()).build());
        GossipService a = nodes.start(ownCa);
        GossipService b = nodes.start(ownCa);
        assertThat(get(a.handle().connectTo(TestNodes.loopback(b)))).isEqualTo(b.peerId());

        GossipService strict = nodes.start(cfg -> cfg.transport(TransportSettings.defaults()
                .toBuilder().identity(Optional.empty(), Optional.empty(), PeerTrust.NETWORK_CA).build()));
        assertThat(errorOf(strict.handle().connectTo(TestNodes.loopback(b)))).isInstanceOf(GossipError.ClientError.class);
    }

    @Test
    void handleFailsAfterStop() throws Exception {
        GossipService a = nodes.start();
        GossipHandle handle = a.handle();
        a.stop();
        assertThat(errorOf(handle.peerCount())).isInstanceOf(GossipError.ServiceNotStarted.class);
        assertThatThrownBy(handle::inboundReceiver).isInstanceOf(GossipException.class);
        assertThatThrownBy(a::start).isInstanceOf(GossipException.class);
    }

    static InboundMessage receive(InboundReceiver receiver, int type) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<InboundMessage> m = receiver.receive(Duration.ofMillis(200));
            if (m.isPresent() && m.get().message().type() == type) {
                return m.get();
            }
        }
        throw new AssertionError("no message of type " + type);
    }

}
