package net.dig.node;

import java.util.Optional;
import net.dig.gossip.ErlayConfig;

/**
 * {@code network.erlay:} - ERLAY transaction relay ({@link ErlayConfig}): when {@code enabled}, a new
 * transaction is announced at once to {@code flood_peer_count} peers and reconciled with the others every
 * {@code reconciliation_interval_ms}, the first sketch on a connection having {@code sketch_capacity}.
 */
record ErlaySection(boolean enabled, int floodPeerCount, long reconciliationIntervalMs, int sketchCapacity) {
    ErlaySection {
        try {
            new ErlayConfig(floodPeerCount, reconciliationIntervalMs, sketchCapacity);
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().substring(0, e.getMessage().indexOf(' '));
            throw new ConfigException(key, e.getMessage().substring(key.length() + 1));
        }
    }

    /** The reconciler's settings, or empty when ERLAY is off. */
    Optional<ErlayConfig> config() {
        return enabled ? Optional.of(new ErlayConfig(floodPeerCount, reconciliationIntervalMs, sketchCapacity)) : Optional.empty();
    }
}
