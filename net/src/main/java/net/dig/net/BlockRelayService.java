package net.dig.net;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import net.dig.core.Bytes32;
import net.dig.gossip.CompactBlockRelay;
import net.dig.gossip.CompactBlockStats;
import net.dig.gossip.MempoolView;
import net.dig.gossip.MessageBus;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.wire.BlockPull;
import net.dig.wire.BlockPush;
import net.dig.wire.Message;
import net.dig.wire.ProtocolMessage;
import net.dig.wire.RelayBlock;
import net.dig.wire.RelayTransaction;
import net.dig.wire.WireException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compact block relay on real connections: one {@link CompactBlockRelay} on the control loop, fed the
 * 209/210 frames the message bus hands it and the peers that come and go; its sends go to the peers'
 * connections (to peers that speak DIG only), its penalties to {@link Reputations}.
 *
 * <p>The application supplies the mempool to rebuild blocks from ({@link #mempool}), hears of every block
 * rebuilt or received ({@link #onBlock}), validates it and hands it back with {@link #relay}, which also
 * offers its own new blocks. Until it does, the mempool is empty and nothing received is relayed further.
 *
 * <h2>Concurrency and failure modes</h2>
 * Thread-safe: every entry point hops onto the control loop, where the state machine lives. A body that
 * does not decode costs the sender {@link PenaltyReason#MALFORMED_MESSAGE}; a send to a peer that is gone is
 * dropped; a block listener that throws is logged and the relay goes on.
 */
public final class BlockRelayService {
    private static final Logger LOG = LoggerFactory.getLogger(BlockRelayService.class);
    private static final MempoolView EMPTY = new MempoolView() {
        @Override
        public Collection<RelayTransaction> transactions() {
            return List.of();
        }

        @Override
        public OptionalLong receivedAt(Bytes32 transactionId) {
            return OptionalLong.empty();
        }
    };

    private final ServiceContext ctx;
    private final PeerTable peers;
    private final Reputations reputations;
    private final CompactBlockRelay relay;
    private volatile MempoolView mempool = EMPTY;
    private volatile BiConsumer<PeerId, RelayBlock> listener = (from, block) -> { };
    private ScheduledFuture<?> timer;
    private volatile CompactBlockStats lastStats = CompactBlockStats.NONE;

    BlockRelayService(ServiceContext ctx, PeerTable peers, Reputations reputations, MessageBus bus) {
        this.ctx = ctx;
        this.peers = peers;
        this.reputations = reputations;
        MempoolView view = new MempoolView() {
            @Override
            public Collection<RelayTransaction> transactions() {
                return mempool.transactions();
            }

            @Override
            public OptionalLong receivedAt(Bytes32 transactionId) {
                return mempool.receivedAt(transactionId);
            }
        };
        this.relay = new CompactBlockRelay(ctx.config.compactBlocks(), ctx.clock, view, new CompactBlockRelay.Output() {
            @Override
            public void send(PeerId to, ProtocolMessage body) {
                Message m = body.toMessage();
                peers.get(to).filter(c -> PlumtreeBridge.digGate(c, m) == null).ifPresent(c -> c.send(m));
            }

            @Override
            public void blockReceived(PeerId from, RelayBlock block) {
                try {
                    listener.accept(from, block);
                } catch (RuntimeException e) {
                    LOG.warn("block_listener_failed: the block listener threw on {}: {}", block, e.toString());
                }
            }

            @Override
            public void penalize(PeerId peer, PenaltyReason reason, String detail) {
                LOG.debug("compact_block_violation: {} from {}: {}", reason, peer.shortHex(), detail);
                reputations.penalize(peer, reason);
            }
        });
        bus.subscribe(t -> t == BlockPull.OPCODE || t == BlockPush.OPCODE, this::received);
        ctx.onAdmitted.add(c -> ctx.onControl(() -> relay.peerUp(c.peerId())));
        ctx.onRemoved.add(c -> ctx.onControl(() -> relay.peerDown(c.peerId())));
    }

    /** The transactions blocks are rebuilt from. */
    public void mempool(MempoolView view) {
        mempool = Objects.requireNonNull(view, "view");
    }

    /** Told of every block rebuilt from a compact block or received whole (id checked, content not). */
    public void onBlock(BiConsumer<PeerId, RelayBlock> blockListener) {
        listener = Objects.requireNonNull(blockListener, "blockListener");
    }

    /** Offers a block this node produced ({@code from} empty) or validated to every peer that lacks it. */
    public void relay(RelayBlock block, Optional<PeerId> from) {
        ctx.onControl(() -> relay.blockAccepted(block, from));
    }

    /** The relay's counters as of its last timer tick (at most a second old); safe from any thread. */
    public CompactBlockStats lastStats() {
        return lastStats;
    }

    public CompletableFuture<CompactBlockStats> stats() {
        CompletableFuture<CompactBlockStats> f = new CompletableFuture<>();
        ctx.onControl(() -> f.complete(relay.stats()));
        return f;
    }

    /** Starts the timer that drops stalled fetches, on the control loop. */
    void start() {
        timer = ctx.control().scheduleAtFixedRate(() -> {
            relay.tick();
            lastStats = relay.stats();
        }, 1, 1, TimeUnit.SECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private CompletionStage<Void> received(PeerId from, Message message) {
        if (message.id().isPresent()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            if (message.type() == BlockPull.OPCODE) {
                BlockPull body = BlockPull.decode(message.data());
                ctx.onControl(() -> relay.received(from, body));
            } else {
                BlockPush body = BlockPush.decode(message.data());
                ctx.onControl(() -> relay.received(from, body));
            }
        } catch (WireException | IllegalArgumentException e) {
            LOG.debug("compact_block_malformed: type {} from {}: {}", message.type(), from.shortHex(), e.getMessage());
            reputations.penalize(from, PenaltyReason.MALFORMED_MESSAGE);
        }
        return CompletableFuture.completedFuture(null);
    }
}
