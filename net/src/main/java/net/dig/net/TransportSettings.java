package net.dig.net;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.dig.gossip.LaneConfig;

/**
 * Transport knobs that the dig-gossip seed does not name but a Java node needs; a component of
 * {@link GossipConfig}. Every limit here has an {@code attack_*} test.
 *
 * @param maxFrameBytes         largest WebSocket message accepted or sent (default 8 MiB, dig-gossip's
 *                              {@code WS_MAX_MESSAGE_BYTES}; Chia uses 50 MiB). Enforced before allocation.
 * @param maxInflightHandshakes connections accepted but not yet through the handshake (default 200 =
 *                              4 x max_connections, as dig-gossip)
 * @param tlsHandshakeTimeout   time allowed to finish TLS after TCP accept/connect (default 10 s)
 * @param peerHandshakeTimeout  time allowed for the WebSocket upgrade plus the Chia handshake (default 30 s,
 *                              dig-gossip's {@code INBOUND_HANDSHAKE_TIMEOUT})
 * @param requestTimeout        how long {@code request} waits for the reply with the same id (default 30 s)
 * @param peerTrust             which peer certificates TLS accepts (default {@link PeerTrust#ANY_CERTIFICATE},
 *                              dig-gossip's model: nodes that generated their own CAs can still talk, and
 *                              identity is the PeerId either way; set {@link PeerTrust#NETWORK_CA} together
 *                              with {@code networkCa} for Chia's shared-CA model)
 * @param identityDir           where the generated identity is kept; empty = ephemeral, in memory only
 * @param networkCa             the network CA that issues this node's leaf (Chia's model); empty = own CA
 * @param extraTrustedCas       more CA certificates (PEM paths) whose leaves are accepted
 * @param softwareVersion       sent in the handshake (default {@code dig-node/} and the build's version)
 * @param shortBan              how long an address is banned after a failed handshake (default 10 s,
 *                              Chia's {@code INVALID_PROTOCOL_BAN_SECONDS})
 * @param ipBanExempt           addresses never banned by IP (their PeerIds still are); default loopback, as Chia
 * @param socketBuffers         kernel send and receive buffer sizes of every peer socket (default 256 KiB each;
 *                              see {@link SocketBuffers})
 * @param lanes                 bounds, bulk share and backpressure of each connection's priority lanes
 *                              (default {@link LaneConfig#defaults()})
 * @param admission             per-address and per-network-group caps on handshakes in flight, and the
 *                              deadline from accept to the end of the handshake (default
 *                              {@link AdmissionLimits#defaults()})
 */
public record TransportSettings(
        int maxFrameBytes,
        int maxInflightHandshakes,
        Duration tlsHandshakeTimeout,
        Duration peerHandshakeTimeout,
        Duration requestTimeout,
        PeerTrust peerTrust,
        Optional<Path> identityDir,
        Optional<TlsIdentity.CaFiles> networkCa,
        List<Path> extraTrustedCas,
        String softwareVersion,
        Duration shortBan,
        java.util.Set<String> ipBanExempt,
        SocketBuffers socketBuffers,
        LaneConfig lanes,
        AdmissionLimits admission) {

    public static final int DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

    /**
     * {@code SO_SNDBUF} and {@code SO_RCVBUF} of every peer socket, in bytes; 0 leaves the size to the
     * kernel (Linux: autotuning up to {@code net.ipv4.tcp_wmem} / {@code tcp_rmem}).
     *
     * <p>Why they are bounded by default: TCP has no priorities, so every byte the kernels hold
     * (unsent data in our send buffer, unread data in the peer's receive buffer) is ahead of any
     * critical message the priority lanes release later. With autotuning those buffers grow to several
     * MiB on a saturated connection, and a critical message waits for all of it (docs/BENCHMARKS.md,
     * net-lanes). Bounded buffers keep the backlog in the lanes, where priority applies; Kafka bounds its
     * sockets the same way (128 KiB send, 100 KiB receive by default). The cost is a per-connection
     * throughput ceiling of about one buffer per round trip (256 KiB at 50 ms: ~5 MB/s), and a large
     * message needs several round trips on a long link even when the connection is idle (docs/decisions.md
     * D15); a node that moves bulk data over long fat links can raise them or set 0. Values above
     * {@code net.core.wmem_max} / {@code rmem_max} are capped by the kernel.
     */
    public record SocketBuffers(int sendBytes, int receiveBytes) {
        public static final int DEFAULT_BYTES = 256 << 10;
        static final int MIN_BYTES = 4 << 10;
        static final int MAX_BYTES = 64 << 20;

        public SocketBuffers {
            check(sendBytes, "socket_send_buffer_bytes");
            check(receiveBytes, "socket_receive_buffer_bytes");
        }

        public static SocketBuffers defaults() {
            return new SocketBuffers(DEFAULT_BYTES, DEFAULT_BYTES);
        }

        private static void check(int bytes, String key) {
            if (bytes != 0 && (bytes < MIN_BYTES || bytes > MAX_BYTES)) {
                throw new IllegalArgumentException(key + " must be 0 (kernel default) or in [4096, 64 MiB], got " + bytes);
            }
        }
    }

    public TransportSettings {
        Objects.requireNonNull(peerTrust, "transport.peer-trust");
        Objects.requireNonNull(identityDir, "transport.identity-dir");
        Objects.requireNonNull(networkCa, "transport.network-ca");
        extraTrustedCas = List.copyOf(extraTrustedCas);
        ipBanExempt = java.util.Set.copyOf(ipBanExempt);
        Objects.requireNonNull(socketBuffers, "transport.socket-buffers");
        Objects.requireNonNull(lanes, "transport.lanes");
        Objects.requireNonNull(admission, "transport.admission");
        if (maxFrameBytes < 1024 || maxFrameBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("transport.max-frame-bytes must be in [1024, 64 MiB], got " + maxFrameBytes);
        }
        if (maxInflightHandshakes < 1) {
            throw new IllegalArgumentException("transport.max-inflight-handshakes must be >= 1, got " + maxInflightHandshakes);
        }
        positive(tlsHandshakeTimeout, "transport.tls-handshake-timeout");
        positive(peerHandshakeTimeout, "transport.peer-handshake-timeout");
        positive(requestTimeout, "transport.request-timeout");
        positive(shortBan, "transport.short-ban");
        if (softwareVersion == null || softwareVersion.isEmpty() || softwareVersion.length() > 128) {
            throw new IllegalArgumentException("transport.software-version must be 1..128 characters");
        }
    }

    public static TransportSettings defaults() {
        return new TransportSettings(DEFAULT_MAX_FRAME_BYTES, 200, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(30), PeerTrust.ANY_CERTIFICATE, Optional.empty(), Optional.empty(), List.of(),
                "dig-node/" + net.dig.core.BuildVersion.current(), Duration.ofSeconds(10),
                java.util.Set.of("127.0.0.1", "::1", "0:0:0:0:0:0:0:1"), SocketBuffers.defaults(), LaneConfig.defaults(),
                AdmissionLimits.defaults());
    }

    /** A builder holding {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder holding this record's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A copy under construction: starts from a record's values; {@link #build()} calls the canonical
     * constructor, so a copy is validated exactly as a new record is.
     */
    public static final class Builder {
        private int maxFrameBytes;
        private int maxInflightHandshakes;
        private Duration tlsHandshakeTimeout;
        private Duration peerHandshakeTimeout;
        private Duration requestTimeout;
        private PeerTrust peerTrust;
        private Optional<Path> identityDir;
        private Optional<TlsIdentity.CaFiles> networkCa;
        private List<Path> extraTrustedCas;
        private String softwareVersion;
        private Duration shortBan;
        private java.util.Set<String> ipBanExempt;
        private SocketBuffers socketBuffers;
        private LaneConfig lanes;
        private AdmissionLimits admission;

        private Builder(TransportSettings from) {
            maxFrameBytes = from.maxFrameBytes;
            maxInflightHandshakes = from.maxInflightHandshakes;
            tlsHandshakeTimeout = from.tlsHandshakeTimeout;
            peerHandshakeTimeout = from.peerHandshakeTimeout;
            requestTimeout = from.requestTimeout;
            peerTrust = from.peerTrust;
            identityDir = from.identityDir;
            networkCa = from.networkCa;
            extraTrustedCas = from.extraTrustedCas;
            softwareVersion = from.softwareVersion;
            shortBan = from.shortBan;
            ipBanExempt = from.ipBanExempt;
            socketBuffers = from.socketBuffers;
            lanes = from.lanes;
            admission = from.admission;
        }

        public Builder maxFrameBytes(int value) {
            maxFrameBytes = value;
            return this;
        }

        public Builder maxInflightHandshakes(int value) {
            maxInflightHandshakes = value;
            return this;
        }

        public Builder tlsHandshakeTimeout(Duration value) {
            tlsHandshakeTimeout = value;
            return this;
        }

        public Builder peerHandshakeTimeout(Duration value) {
            peerHandshakeTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        public Builder peerTrust(PeerTrust value) {
            peerTrust = value;
            return this;
        }

        public Builder identityDir(Optional<Path> value) {
            identityDir = value;
            return this;
        }

        public Builder networkCa(Optional<TlsIdentity.CaFiles> value) {
            networkCa = value;
            return this;
        }

        public Builder extraTrustedCas(List<Path> value) {
            extraTrustedCas = value;
            return this;
        }

        public Builder softwareVersion(String value) {
            softwareVersion = value;
            return this;
        }

        public Builder shortBan(Duration value) {
            shortBan = value;
            return this;
        }

        public Builder ipBanExempt(java.util.Set<String> value) {
            ipBanExempt = value;
            return this;
        }

        public Builder socketBuffers(SocketBuffers value) {
            socketBuffers = value;
            return this;
        }

        public Builder lanes(LaneConfig value) {
            lanes = value;
            return this;
        }

        public Builder admission(AdmissionLimits value) {
            admission = value;
            return this;
        }

        public Builder timeouts(Duration tls, Duration handshake, Duration request) {
            return tlsHandshakeTimeout(tls).peerHandshakeTimeout(handshake).requestTimeout(request);
        }

        public Builder identity(Optional<Path> dir, Optional<TlsIdentity.CaFiles> ca, PeerTrust trust) {
            return identityDir(dir).networkCa(ca).peerTrust(trust);
        }

        public TransportSettings build() {
            return new TransportSettings(maxFrameBytes, maxInflightHandshakes, tlsHandshakeTimeout, peerHandshakeTimeout,
                    requestTimeout, peerTrust, identityDir, networkCa, extraTrustedCas, softwareVersion, shortBan,
                    ipBanExempt, socketBuffers, lanes, admission);
        }
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be a positive duration, got " + d);
        }
    }
}
