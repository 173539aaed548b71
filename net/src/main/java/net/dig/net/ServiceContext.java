package net.dig.net;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;

/**
 * What the parts of one {@link GossipService} share: the configuration, the injected clock, randomness
 * and executor for blocking work, this node's PeerId, and the lifecycle facts the service sets when it
 * starts (the control event loop, the I/O group, the bound port, the hook of a server built on it).
 *
 * <p>Thread-safe: the lifecycle fields are volatile and written only by {@link GossipService}'s start
 * and stop, before and after the event loops use them.
 */
final class ServiceContext {
    enum State { NEW, RUNNING, STOPPED }

    final GossipConfig config;
    final Clock clock;
    final RandomGenerator random;
    /** This node's PeerId now: replaced by {@link PeerIdRotation}. */
    volatile PeerId ownPeerId;
    /** Where blocking work goes (name resolution, file writes): never an event loop. */
    final Executor blocking;
    final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile EventLoop control;
    private volatile EventLoopGroup ioGroup;
    private volatile int listenPort;
    private volatile GossipService.MessageHook hook = GossipService.MessageHook.NONE;
    private volatile java.util.function.BiConsumer<PeerConnectionHandler, net.dig.wire.Message> relayInbound = (c, m) -> { };
    /** Told of every admitted peer connection, on its event loop (e.g. to send it this node's announcement). */
    final java.util.List<java.util.function.Consumer<PeerConnectionHandler>> onAdmitted =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Told of every admitted peer connection that closed or was superseded by a newer one of its PeerId, on its event loop. */
    final java.util.List<java.util.function.Consumer<PeerConnectionHandler>> onRemoved =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    ServiceContext(GossipConfig config, Clock clock, RandomGenerator random, PeerId ownPeerId, Executor blocking) {
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.ownPeerId = ownPeerId;
        this.blocking = blocking;
    }

    boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    /** Runs {@code task} on the control loop (the owner of discovery and Plumtree state); dropped once stopped. */
    void onControl(Runnable task) {
        EventLoop loop = control;
        if (loop != null && !loop.isShuttingDown()) {
            loop.execute(task);
        }
    }

    EventLoop control() {
        return control;
    }

    EventLoopGroup ioGroup() {
        return ioGroup;
    }

    int listenPort() {
        return listenPort;
    }

    GossipService.MessageHook hook() {
        return hook;
    }

    void started(EventLoop control, EventLoopGroup ioGroup) {
        this.control = control;
        this.ioGroup = ioGroup;
    }

    void bound(int port) {
        this.listenPort = port;
    }

    /** Where the frames of {@link Purpose#RELAY} links go. */
    java.util.function.BiConsumer<PeerConnectionHandler, net.dig.wire.Message> relayInbound() {
        return relayInbound;
    }

    void relayInbound(java.util.function.BiConsumer<PeerConnectionHandler, net.dig.wire.Message> sink) {
        this.relayInbound = sink;
    }

    void hook(GossipService.MessageHook hook) {
        this.hook = hook;
    }
}
