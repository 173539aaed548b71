package net.dig.net;

import java.time.Duration;

/**
 * PeerId rotation (the seed's {@code PeerIdRotationConfig}, PRV-006..008): a fresh TLS key and
 * certificate, hence a fresh PeerId, every {@code rotationInterval}, so one PeerId cannot link a node's
 * connections over days. The node key's signed announcement follows the new PeerId, so peers keep the
 * node's reputation ({@link PeerIdRotation}).
 *
 * @param enabled             rotate at all (default true once the section is given)
 * @param rotationInterval    time between rotations (default 24 h)
 * @param reconnectOnRotation close and redial outbound connections after a rotation, so they present the
 *                            new certificate (default true); otherwise only new connections do
 */
public record PeerIdRotationConfig(boolean enabled, Duration rotationInterval, boolean reconnectOnRotation) {
    public PeerIdRotationConfig {
        if (rotationInterval == null || rotationInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("peer_id_rotation.rotation_interval_secs must be >= 1, got " + rotationInterval);
        }
    }

    public static PeerIdRotationConfig defaults() {
        return new PeerIdRotationConfig(true, Duration.ofSeconds(86_400), true);
    }
}
