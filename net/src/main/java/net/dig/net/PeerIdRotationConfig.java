package net.dig.net;

import java.time.Duration;

/**
 * The seed's {@code PeerIdRotationConfig}: a fresh TLS leaf (so a fresh PeerId) every {@code interval}, and, when
 * {@code reconnectOnRotation}, every open connection closed and redialled under it ({@link PeerIdRotation}).
 * Absent from {@link GossipConfig} = no rotation (the seed's {@code None}).
 *
 * @param interval            time between two certificates; at least one minute
 * @param reconnectOnRotation close the connections opened under the old certificate and dial them again
 */
public record PeerIdRotationConfig(Duration interval, boolean reconnectOnRotation) {
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

    public PeerIdRotationConfig {
        if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("rotation_interval_secs must be at least " + MIN_INTERVAL.toSeconds()
                    + ", got " + (interval == null ? "none" : interval.toSeconds()));
        }
    }

    /** The seed's defaults: every 24 hours, reconnecting. */
    public static PeerIdRotationConfig defaults() {
        return new PeerIdRotationConfig(Duration.ofHours(24), true);
    }
}
