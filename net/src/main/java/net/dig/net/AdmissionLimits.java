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
 * @param silenceGrace   how long a new connection may stay silent and still rank, when handshakes are
 *                       displaced, with those that have spoken (default 1 s; less than {@code deadline}): a
 *                       peer whose first bytes are still on their way is not taken for an idle socket
 */
public record AdmissionLimits(int maxPerAddress, int maxPerNetgroup, Duration deadline, Duration silenceGrace) {
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
        if (silenceGrace == null || silenceGrace.isNegative() || silenceGrace.compareTo(deadline) >= 0) {
            throw new IllegalArgumentException("transport.admission.silence-grace must be in [0, deadline), got " + silenceGrace);
        }
    }

    public static AdmissionLimits defaults() {
        return new AdmissionLimits(8, 32, Duration.ofSeconds(10), Duration.ofSeconds(1));
    }
}
