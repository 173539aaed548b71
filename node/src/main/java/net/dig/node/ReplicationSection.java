package net.dig.node;

import net.dig.gossip.ReplicaRepair;
import net.dig.service.UploadBudget;

/**
 * {@code network.replication:} - whether this node takes the datastore versions peers offer it
 * ({@code enabled}; off, it declines every offer as opted out and still offers and serves its own), and
 * how fast it uploads capsules to peers: {@code upload_per_peer} to any one peer and
 * {@code upload_global} to all together, per second, with buckets of {@code upload_burst} (at least one
 * 1 MiB window and its prologue). Checked once, here and by dig-service's {@link UploadBudget.Settings}.
 *
 * <p>Re-replication (docs/decisions.md D65a): {@code target_holders} copies of each datastore the network should
 * keep; while {@code enabled}, this node volunteers for datastores below it ({@link ReplicaRepair}), at most
 * {@code rereplication_concurrency} at once, within {@code rereplication_rate} bytes per second, waiting a
 * randomised time whose unit is {@code rereplication_period_secs} at least (longer for large datastores).
 */
record ReplicationSection(boolean enabled, ByteSize uploadPerPeer, ByteSize uploadGlobal, ByteSize uploadBurst,
                          int targetHolders, int rereplicationConcurrency, ByteSize rereplicationRate,
                          long rereplicationPeriodSecs) {
    /** The window a peer fetch asks for: 1 MiB, so a window and its prologue fit one node message. */
    static final int WINDOW_BYTES = 1 << 20;
    private static final long MIN_BURST = WINDOW_BYTES + (256 << 10);
    private static final int MAX_PEERS = 4096;

    /** A period lasts at least this many expected fetch times of the datastore (docs/decisions.md D65a). */
    static final double PERIOD_PER_FETCH = 16;

    ReplicationSection {
        NodeConfig.require(rereplicationRate, "rereplication_rate");
        if (targetHolders < 1 || targetHolders > 20) {
            throw new ConfigException("target_holders", "must be 1..20 (the most provider records one DHT answer carries), got "
                    + targetHolders);
        }
        if (rereplicationConcurrency < 1 || rereplicationConcurrency > 64) {
            throw new ConfigException("rereplication_concurrency", "must be 1..64, got " + rereplicationConcurrency);
        }
        if (rereplicationRate.bytes() < 1) {
            throw new ConfigException("rereplication_rate", "must be at least 1 byte per second, got " + rereplicationRate.bytes());
        }
        if (rereplicationPeriodSecs < 1 || rereplicationPeriodSecs > 86_400) {
            throw new ConfigException("rereplication_period_secs", "must be 1..86400, got " + rereplicationPeriodSecs);
        }
        NodeConfig.require(uploadPerPeer, "upload_per_peer");
        NodeConfig.require(uploadGlobal, "upload_global");
        NodeConfig.require(uploadBurst, "upload_burst");
        if (uploadPerPeer.bytes() < 1 || uploadGlobal.bytes() < 1) {
            throw new ConfigException("upload_per_peer", "upload rates must be at least 1 byte per second, got "
                    + uploadPerPeer.bytes() + " and " + uploadGlobal.bytes());
        }
        if (uploadGlobal.bytes() < uploadPerPeer.bytes()) {
            throw new ConfigException("upload_global", "must be at least upload_per_peer (" + uploadPerPeer.bytes() + "), got "
                    + uploadGlobal.bytes());
        }
        if (uploadBurst.bytes() < MIN_BURST) {
            throw new ConfigException("upload_burst", "must hold one 1 MiB window and its prologue (" + MIN_BURST
                    + " bytes), got " + uploadBurst.bytes());
        }
    }

    UploadBudget.Settings budget() {
        return new UploadBudget.Settings(uploadPerPeer.bytes(), uploadGlobal.bytes(), uploadBurst.bytes(), MAX_PEERS);
    }

    /** The settings of this node's {@link ReplicaRepair}. */
    ReplicaRepair.Settings rereplication() {
        return new ReplicaRepair.Settings(targetHolders, rereplicationConcurrency, rereplicationRate.bytes(),
                rereplicationPeriodSecs * 1000, PERIOD_PER_FETCH);
    }
}
