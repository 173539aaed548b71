package net.dig.gossip;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the {@link HoldingsBook} (docs/decisions.md D40d1).
 *
 * @param freshness how far an announcement's {@code announced_at} may be from this node's clock, either way
 * @param framesPerWindow announcements one sender may have accepted per {@code window}
 * @param deltasPerWindow deltas one sender may have accepted per {@code window}
 * @param window the rate window
 * @param maxProviders providers the book remembers (least recently heard forgotten first)
 * @param maxKeysPerProvider content keys remembered per provider (further adds are dropped)
 */
public record HoldingsConfig(Duration freshness, int framesPerWindow, int deltasPerWindow, Duration window, int maxProviders,
        int maxKeysPerProvider) {
    public HoldingsConfig {
        Objects.requireNonNull(freshness, "freshness");
        Objects.requireNonNull(window, "window");
        if (freshness.isNegative() || freshness.isZero() || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("freshness and window must be positive");
        }
        if (framesPerWindow < 1 || deltasPerWindow < 1 || maxProviders < 1 || maxKeysPerProvider < 1) {
            throw new IllegalArgumentException("holdings bounds must be at least 1");
        }
    }

    /** ±300 s; 10 announcements and 1024 deltas per sender per 60 s; 4096 providers of 65 536 keys each. */
    public static HoldingsConfig defaults() {
        return new HoldingsConfig(Duration.ofSeconds(300), 10, 1024, Duration.ofSeconds(60), 4096, 65_536);
    }
}
