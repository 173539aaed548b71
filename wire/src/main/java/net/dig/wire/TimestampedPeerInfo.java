package net.dig.wire;

/**
 * {@code TimestampedPeerInfo{host: str, port: u16, timestamp: u64}} ({@code chia/types/peer_info.py}).
 * {@code timestamp} is seconds since the epoch carried as the u64 bit pattern (compare unsigned).
 */
public record TimestampedPeerInfo(String host, int port, long timestamp) implements Streamable {
    public TimestampedPeerInfo {
        WireChecks.notNull("host", host);
        WireChecks.u16("port", port);
    }

    @Override
    public void writeTo(StreamableWriter w) {
        w.str(host).u16(port).u64(timestamp);
    }

    public static TimestampedPeerInfo decode(StreamableReader r) {
        return new TimestampedPeerInfo(r.str(), r.u16(), r.u64());
    }

    /** Smallest encoding: empty host (4) + port (2) + timestamp (8). */
    static final int MIN_SIZE = 14;
}
