package net.dig.node;

import net.dig.service.UploadBudget;

/**
 * {@code network.replication:} - whether this node takes the datastore versions peers offer it
 * ({@code enabled}; off, it declines every offer as opted out and still offers and serves its own), and
 * how fast it uploads capsules to peers: {@code upload_per_peer} to any one peer and
 * {@code upload_global} to all together, per second, with buckets of {@code upload_burst} (at least one
 * 1 MiB window and its prologue). Checked once, here and by dig-service's {@link UploadBudget.Settings}.
 */
record ReplicationSection(boolean enabled, ByteSize uploadPerPeer, ByteSize uploadGlobal, ByteSize uploadBurst) {
    /** The window a peer fetch asks for: 1 MiB, so a window and its prologue fit one node message. */
    static final int WINDOW_BYTES = 1 << 20;
    private static final long MIN_BURST = WINDOW_BYTES + (256 << 10);
    private static final int MAX_PEERS = 4096;

    ReplicationSection {
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
}
