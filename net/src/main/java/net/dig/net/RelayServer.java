package net.dig.net;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.random.RandomGenerator;
import net.dig.core.Clock;
import net.dig.gossip.RelaySwitch;
import net.dig.wire.Message;
import net.dig.wire.RelayFrame;
import net.dig.wire.WireException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay ({@code dig-node relay}, default port {@link GossipConstants#DEFAULT_RELAY_PORT}): nodes that
 * cannot accept connections register here and are reached through it (docs/decisions.md D50r).
 *
 * <h2>What</h2>
 * A {@link GossipService} (same mTLS WebSocket transport, handshake, bans and rate limits) that makes no
 * outbound connections, plus dig-gossip's {@link RelaySwitch}, which holds the policy: registrations by the
 * PeerId each connection's TLS certificate proves, session pairing, and the per-peer session and byte caps.
 * This class does the I/O: opcode-242 frames in, the switch's sends out. It forwards {@code DATA} without
 * reading it; the peers' own TLS session runs inside, so the relay learns who talks to whom and how much,
 * never what.
 *
 * <h2>Concurrency</h2>
 * The switch is not thread-safe; it lives on the service's control loop, and connection loops reach it with
 * {@code execute}, which keeps each connection's frames in order.
 *
 * <h2>Failure modes</h2>
 * A body that does not decode, or a frame no client sends, closes the connection; refusals (unknown target,
 * caps) are {@code CLOSE} or {@code REGISTERED} frames with a reason. A closed connection ends its
 * registration and closes its sessions at their other ends.
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

    private final GossipService service;
    private final Clock clock;
    private final RelaySwitch<PeerConnectionHandler> relaySwitch;
    private volatile RelaySwitch.Counts counts = new RelaySwitch.Counts(0, 0, 0, 0, 0);

    /** @param config listener, network id, TLS; {@code target_outbound_count} is forced to 0 */
    public RelayServer(GossipConfig config, RelaySwitch.Settings caps, Clock clock, RandomGenerator random) {
        this.service = new GossipService(config.toBuilder().targetOutboundCount(0).build(), clock, random);
        this.clock = clock;
        this.relaySwitch = new RelaySwitch<>(caps);
        service.setHook(new Hook());
    }

    public void start() {
        service.start();
    }

    public InetSocketAddress listenAddress() {
        return service.listenAddress();
    }

    public GossipService service() {
        return service;
    }

    /** Connections, registrations, sessions, bytes forwarded, sessions refused (refreshed on every event). */
    public RelaySwitch.Counts counts() {
        return counts;
    }

    @Override
    public void close() {
        service.stop();
    }

    private void apply(List<RelaySwitch.Effect<PeerConnectionHandler>> effects) {
        for (RelaySwitch.Effect<PeerConnectionHandler> effect : effects) {
            switch (effect) {
                case RelaySwitch.Send<PeerConnectionHandler> send -> {
                    PeerConnectionHandler link = send.link();
                    link.send(send.frame().toMessage()).whenComplete((ok, error) -> {
                        if (error != null && send.frame() instanceof RelayFrame.Data data) {
                            service.onControl(() -> apply(relaySwitch.sendFailed(link, data.session())));
                        }
                    });
                }
                case RelaySwitch.Reject<PeerConnectionHandler> reject -> {
                    LOG.debug("relay_frame_rejected: {} from {}", reject.detail(), reject.link().peerId().shortHex());
                    reject.link().disconnect();
                }
            }
        }
        counts = relaySwitch.counts();
    }

    private final class Hook implements GossipService.MessageHook {
        @Override
        public void onAdmitted(PeerConnectionHandler connection) {
            service.onControl(() -> {
                relaySwitch.connected(connection, connection.peerId().value(), clock.millis());
                counts = relaySwitch.counts();
            });
            connection.channel().closeFuture().addListener(f -> service.onControl(() -> apply(relaySwitch.disconnected(connection))));
        }

        @Override
        public boolean handle(PeerConnectionHandler connection, Message message) {
            if (message.type() != RelayFrame.OPCODE) {
                return false;
            }
            RelayFrame frame;
            try {
                frame = RelayFrame.decode(message.data());
            } catch (WireException e) {
                LOG.debug("relay_frame_malformed: {} from {}", e.getMessage(), connection.peerId().shortHex());
                connection.disconnect();
                return true;
            }
            service.onControl(() -> apply(relaySwitch.received(connection, frame, clock.millis())));
            return true;
        }
    }
}
