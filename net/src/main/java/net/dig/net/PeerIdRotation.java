package net.dig.net;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import net.dig.gossip.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PeerId rotation ({@code network.peer_id_rotation}): every {@link PeerIdRotationConfig#interval} this node
 * issues itself a fresh TLS leaf from the CA of its current one, and with it a fresh PeerId.
 *
 * <h2>What changes at a rotation</h2>
 * <ol>
 *   <li>The new leaf is written over {@code node.key}/{@code node.crt} when the identity lives in an
 *       identity directory, so a restart keeps the new PeerId.</li>
 *   <li>{@link TlsCredentials} switches: connections opened from now on (accepted, dialled, relayed)
 *       present the new certificate; the service's own PeerId (self-connection and duplicate checks) is the
 *       new one.</li>
 *   <li>With {@code reconnectOnRotation}, every admitted peer connection is closed with a normal close frame
 *       and, once closed, dialled again at the address the peer listens on (dialled peers: the address dialled;
 *       accepted ones: their IP and advertised port; relayed ones and ones that advertise no port are only
 *       closed). The peers then see the new PeerId, and the node announcement (240) sent after each handshake
 *       binds the node key to it, which moves the node's reputation along ({@link Reputations#nodeRebound}).
 *       Without it, open connections keep the old certificate until they close for other reasons.</li>
 *   <li>The listener given at construction hears of the new identity once the service's own PeerId is the new
 *       one (the DHT takes the new id and leaf key, {@link DhtService#rekey}).</li>
 * </ol>
 * What still names the old PeerId afterwards is listed in docs/decisions.md (D5p4).
 *
 * <h2>Concurrency and failure modes</h2>
 * {@link #check} runs on the control loop; the key generation and file writes run on the blocking executor,
 * at most one rotation at a time. A rotation that fails (disk full, unusable key) leaves the current identity
 * in place and is logged; the next one is due an interval later. A redial that fails is left to discovery.
 */
final class PeerIdRotation {
    private static final Logger LOG = LoggerFactory.getLogger(PeerIdRotation.class);

    /** How a redial is started (the service's dialer). */
    interface Redial {
        void dial(InetSocketAddress target);
    }

    private final ServiceContext ctx;
    private final PeerTable peers;
    private final TlsCredentials tls;
    private final PeerIdRotationConfig config;
    private final Optional<Path> identityDir;
    private final Redial redial;
    private final Consumer<TlsIdentity> rotated;
    private final RotationSchedule schedule;
    private final AtomicBoolean rotating = new AtomicBoolean();

    PeerIdRotation(ServiceContext ctx, PeerTable peers, TlsCredentials tls, PeerIdRotationConfig config,
            Optional<Path> identityDir, Redial redial, Consumer<TlsIdentity> rotated) {
        if (!tls.identity().renewable()) {
            throw new GossipException(new GossipError.ClientError("peer_id_rotation needs the CA key that issues this node's"
                    + " certificate: cert_path/key_path name a certificate without one"));
        }
        this.ctx = ctx;
        this.peers = peers;
        this.tls = tls;
        this.config = config;
        this.identityDir = identityDir;
        this.redial = redial;
        this.rotated = rotated;
        this.schedule = new RotationSchedule(config.interval(), ctx.clock.millis());
    }

    /** Rotates if the interval has passed; the next interval counts from this check. Called on the control loop. */
    void check() {
        long now = ctx.clock.millis();
        if (schedule.due(now) && rotateNow()) {
            schedule.rotated(now);
        }
    }

    /** Starts a rotation now unless one is under way or the service is not running; true if it started. */
    boolean rotateNow() {
        if (!ctx.isRunning() || !rotating.compareAndSet(false, true)) {
            return false;
        }
        ctx.blocking.execute(() -> {
            try {
                TlsIdentity next = tls.identity().renewed(ctx.clock.instant()).orElseThrow();
                identityDir.ifPresent(next::storedIn);
                tls.replace(next);
                PeerId fresh = new PeerId(next.peerId());
                PeerId old = ctx.ownPeerId;
                ctx.ownPeerId = fresh;
                LOG.atInfo().setMessage("peer_id_rotated").addKeyValue("old_peer_id", old.toHex())
                        .addKeyValue("peer_id", fresh.toHex()).log();
                rotated.accept(next);
                if (config.reconnectOnRotation()) {
                    reconnectAll();
                }
            } catch (RuntimeException e) {
                LOG.warn("peer_id_rotation_failed: the current certificate stays in use: {}", e.toString());
            } finally {
                rotating.set(false);
            }
        });
        return true;
    }

    private void reconnectAll() {
        for (PeerConnectionHandler link : peers.live()) {
            Optional<InetSocketAddress> target = redialTarget(link);
            if (link.channel() == null) {
                continue;
            }
            link.channel().closeFuture().addListener(closed -> target.ifPresent(t -> {
                if (ctx.isRunning()) {
                    redial.dial(t);
                }
            }));
            link.disconnect();
        }
    }

    private static Optional<InetSocketAddress> redialTarget(PeerConnectionHandler link) {
        if (link.relayed() || (!link.isOutbound() && (link.remoteHandshake() == null || link.remoteHandshake().serverPort() == 0))) {
            return Optional.empty();
        }
        return Optional.ofNullable(PeerTable.listeningAddress(link));
    }
}
