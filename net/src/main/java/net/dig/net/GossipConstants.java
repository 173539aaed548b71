package net.dig.net;

import java.time.Duration;

/** The dig-gossip seed's constants, with the same names and values. */
public final class GossipConstants {
    private GossipConstants() {}

    /** Standard DIG/Chia P2P port. */
    public static final int DEFAULT_P2P_PORT = 9444;
    public static final int DEFAULT_RELAY_PORT = 9450;
    public static final int DEFAULT_INTRODUCER_PORT = 9448;
    /** Penalty points at which a peer is banned. */
    public static final int PENALTY_BAN_THRESHOLD = 100;
    public static final Duration BAN_DURATION = Duration.ofSeconds(3600);
    /** A peer silent for this long (no frame, no pong) is disconnected. */
    public static final Duration PEER_TIMEOUT = Duration.ofSeconds(90);
    /** Keepalive probe interval. */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    /** Outbound connects started at once by the discovery loop. */
    public static final int PARALLEL_CONNECT_BATCH_SIZE = 8;
    /** Mean of the Poisson-distributed feeler interval. */
    public static final Duration FEELER_INTERVAL = Duration.ofSeconds(240);
    /** Entries accepted from one RespondPeers; a longer list is ignored whole. */
    public static final int MAX_PEERS_RECEIVED_PER_REQUEST = 1000;
    /** Most peers an introducer hands out per answer (Chia's {@code max_peers_to_send}). */
    public static final int INTRODUCER_MAX_PEERS_TO_SEND = 20;
    /** Protocol version this node sends in its handshake (dig-gossip's dialer value). */
    public static final String PROTOCOL_VERSION = "0.0.37";
}
