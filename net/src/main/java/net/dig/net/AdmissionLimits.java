package net.dig.net;

import java.time.Duration;

/**
 * Per-source limits on inbound connections that have not finished the Chia handshake, a component of
 * {@link TransportSettings} (the total is {@link TransportSettings#maxInflightHandshakes}). Network groups
 * are {@link net.dig.gossip.Netgroup}s: an IPv4 /16, an IPv6 /32, every loopback address on its own.
 *
 * @param maxPerAddress  handshakes in flight from one IP address (default 8)
 * @param maxPerNetgroup handshakes in flight from one network group (default 32)
 * @param deadline       time from TCP accept to the end of the Chia handshake; a connection that is not a
 *                       peer by then is closed, whatever stage it is in (default 10 s; TLS, the WebSocket
 *                       upgrade and the handshake take a few round trips)
 */
public record AdmissionLimits(int maxPerAddress, int maxPerNetgroup, Duration deadline) {
    public AdmissionLimits {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("transport.admission.max-per-address must be >= 1, got " + maxPerAddress);
        }
        if (maxPerNetgroup < maxPerAddress) {
            throw new IllegalArgumentException("transport.admission.max-per-netgroup must be >= max-per-address ("
                    + maxPerAddress + "), got " + maxPerNetgroup);
        }
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("transport.admission.deadline must be a positive duration, got " + deadline);
        }
    }

    public static AdmissionLimits defaults() {
        return new AdmissionLimits(8, 32, Duration.ofSeconds(10));
    }
}
