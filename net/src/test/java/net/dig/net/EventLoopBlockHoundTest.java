package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.dig.core.Clock;
import net.dig.gossip.PenaltyReason;
import net.dig.wire.Message;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingMethod;
import reactor.blockhound.BlockingOperationError;

/**
 * No Netty event loop makes a blocking JDK call, ours or a library's, over a real loopback scenario, as
 * BlockHound sees it; and a blocking call put on an event loop is caught.
 *
 * <p>BlockHound rewrites the JDK's blocking methods for the whole JVM, and netty-common's own integration
 * (found by ServiceLoader) marks Netty's event-loop threads as the ones that must not block. The class runs
 * in a JVM of its own (its surefire execution in net/pom.xml, which adds
 * {@code -XX:+AllowRedefinitionToAddDeleteMethods}); the tag keeps it out of the default execution even
 * when {@code -Dtest} overrides the includes.
 *
 * <p>BlockHound throws its error inside the loop task, where Netty may only log it, so the callback also
 * records each violation for the test to assert on.
 */
@Tag("blockhound")
class EventLoopBlockHoundTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final List<Violation> VIOLATIONS = new CopyOnWriteArrayList<>();

    /** A blocking call seen on a thread that must not block. */
    record Violation(String method, String thread, String stack) {
        @Override
        public String toString() {
            return method + " on " + thread + "\n" + stack;
        }
    }

    @TempDir
    Path dir;
    private TestNodes nodes;
    private IntroducerServer introducer;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install(builder -> {
            markTheBlockingCallsOfThisCode(builder);
            builder.blockingMethodCallback(method -> {
                VIOLATIONS.add(violation(method));
                throw new BlockingOperationError(method);
            });
        });
    }

    /**
     * BlockHound's own list covers sleeping, waiting, parking, java.io streams and blocking sockets, but not
     * the two kinds of blocking this code does: name resolution and NIO file I/O ({@code Files},
     * {@code FileChannel}: the address book, PEM files, {@code AtomicFiles}). Their native entry points in
     * the JDK's Linux implementation are marked here. Socket channels use another dispatcher, so the event
     * loops' own non-blocking socket I/O is not caught by these.
     */
    private static void markTheBlockingCallsOfThisCode(BlockHound.Builder builder) {
        builder.markAsBlocking("java.net.Inet6AddressImpl", "lookupAllHostAddr", "(Ljava/lang/String;I)[Ljava/net/InetAddress;")
                .markAsBlocking("java.net.Inet4AddressImpl", "lookupAllHostAddr", "(Ljava/lang/String;)[Ljava/net/InetAddress;");
        String fileDispatcher = "sun.nio.ch.UnixFileDispatcherImpl";
        for (String readOrWrite : List.of("read0", "write0")) {
            builder.markAsBlocking(fileDispatcher, readOrWrite, "(Ljava/io/FileDescriptor;JI)I");
        }
        for (String positioned : List.of("pread0", "pwrite0")) {
            builder.markAsBlocking(fileDispatcher, positioned, "(Ljava/io/FileDescriptor;JIJ)I");
        }
        for (String vectored : List.of("readv0", "writev0")) {
            builder.markAsBlocking(fileDispatcher, vectored, "(Ljava/io/FileDescriptor;JI)J");
        }
        builder.markAsBlocking(fileDispatcher, "force0", "(Ljava/io/FileDescriptor;Z)I")
                .markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "open0", "(JII)I")
                .markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "rename0", "(JJ)V");
    }

    private static Violation violation(BlockingMethod method) {
        StringWriter stack = new StringWriter();
        new Throwable("blocking call").printStackTrace(new PrintWriter(stack));
        return new Violation(method.getClassName().replace('/', '.') + "." + method.getName(), Thread.currentThread().getName(), stack.toString());
    }

    @BeforeEach
    void startFresh() {
        VIOLATIONS.clear();
        nodes = new TestNodes(dir, Clock.system());
    }

    @AfterEach
    void stopAll() {
        if (introducer != null) {
            introducer.close();
        }
        nodes.close();
    }

    @Test
    void connectBroadcastRequestBanIntroducerByNameAndStopBlockNoEventLoop() throws Exception {
        try {
            connectBroadcastRequestBanAndStop();
        } catch (Exception | AssertionError e) {
            // A refused blocking call usually surfaces as a step that never completes: show the cause.
            if (!VIOLATIONS.isEmpty()) {
                throw new AssertionError("blocking calls made on event loops: " + VIOLATIONS, e);
            }
            throw e;
        }
        assertThat(VIOLATIONS).as("blocking calls made on event loops").isEmpty();
    }

    private void connectBroadcastRequestBanAndStop() throws Exception {
        introducer = new IntroducerServer(nodes.config().build(), Duration.ofMillis(500), Clock.system(), new SplittableRandom(1));
        introducer.start();
        // By name: the discovery loop dials it from the control loop, and the name must be resolved elsewhere.
        String byName = "wss://localhost:" + introducer.listenAddress().getPort();
        GossipService a = nodes.start(cfg -> cfg.introducer(GossipConfig.IntroducerConfig.of(byName))
                .targetOutboundCount(1).peerConnectInterval(Duration.ofMillis(200)));
        GossipService b = nodes.start(cfg -> cfg.targetOutboundCount(0));
        GossipService c = nodes.start(cfg -> cfg.targetOutboundCount(0));
        watching().until(() -> introducer.knownCount() >= 1);

        InboundReceiver atB = b.handle().inboundReceiver();
        InboundReceiver atC = c.handle().inboundReceiver();
        assertThat(get(a.handle().connectTo(TestNodes.loopback(b)))).isEqualTo(b.peerId());
        assertThat(get(b.handle().connectTo(TestNodes.loopback(c)))).isEqualTo(c.peerId());
        watching().until(() -> get(b.handle().peerCount()) == 2 && get(c.handle().peerCount()) == 1);

        assertThat(get(a.handle().broadcast(Message.of(201, new byte[] {1}), Optional.empty()))).isPositive();
        assertThat(GossipServiceTest.receive(atB, 201).peer()).isEqualTo(a.peerId());
        assertThat(GossipServiceTest.receive(atC, 201).peer()).as("forwarded by B").isEqualTo(b.peerId());

        // C, not A: A's discovery loop exchanges peers with B on its own, and B sends at most a few
        // RespondPeers to one peer a minute (the Chia outbound limit drops the rest).
        assertThat(get(c.handle().requestPeersFrom(b.peerId()))).isNotNull();
        CompletableFuture<Message> reply = a.handle().request(b.peerId(), Message.of(205, new byte[] {7}));
        InboundMessage request = GossipServiceTest.receive(atB, 205);
        get(b.handle().sendTo(a.peerId(), new Message(206, request.message().id(), new byte[] {8})));
        assertThat(get(reply).data()).containsExactly(8);
        assertThat(get(a.handle().stats()).connectedPeers()).isPositive();

        get(c.handle().disconnect(b.peerId()));
        watching().until(() -> get(b.handle().peerCount()) == 1 && get(c.handle().peerCount()) == 0);
        get(b.handle().banPeer(a.peerId(), PenaltyReason.PROTOCOL_VIOLATION));
        watching().until(() -> get(b.handle().peerCount()) == 0);
        assertThat(b.ipBanned("127.0.0.1")).isTrue();

        a.stop();
        b.stop();
        c.stop();
        introducer.close();
        introducer = null;
    }

    @Test
    void signedNodeMessagesSignAndVerifyWithoutBlockingAnEventLoop() throws Exception {
        java.util.Map<GossipService, NodeMessaging> messaging = new java.util.concurrent.ConcurrentHashMap<>();
        NodeProfile profile = new NodeProfile(new net.dig.wire.NodePayload.HttpEndpoint("127.0.0.1", 8555, "http"),
                List.of("storage"), 10, 5, "cache");
        java.util.function.Supplier<GossipService> withMessages = () -> nodes.start(cfg -> cfg.targetOutboundCount(0),
                net.dig.gossip.MessageBusConfig.defaults(), s -> messaging.put(s, s.nodeMessages(
                        net.dig.core.NodeIdentity.generate(new java.security.SecureRandom()),
                        net.dig.gossip.NodeMessageConfig.defaults(), () -> profile)));
        GossipService a = withMessages.get();
        GossipService b = withMessages.get();
        assertThat(get(a.handle().connectTo(TestNodes.loopback(b)))).isEqualTo(b.peerId());
        watching().until(() -> messaging.get(b).directory().get(a.peerId()).isPresent()
                && messaging.get(a).directory().get(b.peerId()).isPresent());
        get(messaging.get(a).send(b.peerId(), new net.dig.wire.NodePayload.DataStoreGossip(net.dig.core.Bytes32.ZERO, 1,
                net.dig.core.Bytes32.ZERO, 1, 1, new byte[0])));
        assertThat(VIOLATIONS).as("blocking calls made on event loops").isEmpty();
    }

    @Test
    void holdingsAreSignedAndVerifiedWithoutBlockingAnEventLoop() throws Exception {
        java.util.Map<GossipService, HoldingsExchange> holdings = new java.util.concurrent.ConcurrentHashMap<>();
        net.dig.core.Bytes32 held = net.dig.core.Sha256.hash(new byte[] {1});
        java.util.function.Supplier<GossipService> withHoldings = () -> nodes.start(cfg -> cfg.targetOutboundCount(0),
                net.dig.gossip.MessageBusConfig.defaults(), s -> holdings.put(s, s.holdings(
                        net.dig.gossip.HoldingsConfig.defaults(), 3600, () -> List.of(held))));
        GossipService a = withHoldings.get();
        GossipService b = withHoldings.get();
        assertThat(get(a.handle().connectTo(TestNodes.loopback(b)))).isEqualTo(b.peerId());
        watching().until(() -> !holdings.get(b).connectedHolders(held).isEmpty() && !holdings.get(a).connectedHolders(held).isEmpty());
        holdings.get(a).removed(held);
        watching().until(() -> holdings.get(b).connectedHolders(held).isEmpty());
        assertThat(VIOLATIONS).as("blocking calls made on event loops").isEmpty();
    }

    @Test
    void aSleepOnARunningNodesEventLoopIsRecordedAndThrown() throws Exception {
        GossipService a = nodes.start(cfg -> cfg.targetOutboundCount(0));
        CompletableFuture<Void> onLoop = new CompletableFuture<>();
        a.onControl(() -> {
            try {
                Thread.sleep(1);
                onLoop.complete(null);
            } catch (InterruptedException | Error e) {
                onLoop.completeExceptionally(e);
            }
        });

        assertThat(refusal(onLoop)).isInstanceOf(BlockingOperationError.class);
        assertThat(VIOLATIONS).singleElement().satisfies(v -> {
            assertThat(v.method()).startsWith("java.lang.Thread.sleep");
            assertThat(v.thread()).startsWith("dig-p2p-io");
            assertThat(v.stack()).contains("io.netty.channel.SingleThreadIoEventLoop.run");
        });
    }

    @Test
    void aFileReadOnARunningNodesEventLoopIsRecordedAndThrown() throws Exception {
        Path file = Files.writeString(dir.resolve("read-me"), "x");
        GossipService a = nodes.start(cfg -> cfg.targetOutboundCount(0));
        CompletableFuture<byte[]> onLoop = new CompletableFuture<>();
        a.onControl(() -> {
            try {
                onLoop.complete(Files.readAllBytes(file));
            } catch (IOException | Error e) {
                onLoop.completeExceptionally(e);
            }
        });

        assertThat(refusal(onLoop)).isInstanceOf(BlockingOperationError.class);
        assertThat(VIOLATIONS).as("opening the file is the first blocking step").singleElement()
                .satisfies(v -> assertThat(v.method()).isEqualTo("sun.nio.fs.UnixNativeDispatcher.open0"));

        assertThat(Files.readAllBytes(file)).containsExactly('x');
        assertThat(VIOLATIONS).as("off the event loops the same call is fine").hasSize(1);
    }

    /** A bounded wait that stops at the first violation and shows it, rather than timing out behind it. */
    private static ConditionFactory watching() {
        return await().atMost(BOUND).failFast("a blocking call on an event loop", () -> assertThat(VIOLATIONS).isEmpty());
    }

    /** The failure {@code future} completes with (an assertion error if it succeeds). */
    private static Throwable refusal(CompletableFuture<?> future) throws Exception {
        try {
            future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the blocking call was allowed on the event loop");
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
}
