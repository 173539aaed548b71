package net.dig.net;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import net.dig.core.Bytes32;

/** Reads the remote PeerId, and the one this node presented, off a channel whose TLS handshake has completed. */
final class RemotePeer {
    private RemotePeer() {}

    /** The PeerId of the certificate the remote side presented; throws if TLS is not done. */
    static Bytes32 peerId(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            throw new IllegalStateException("no TLS on " + channel);
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                throw new IllegalStateException("peer presented no X.509 certificate");
            }
            return TlsIdentity.peerIdOf(leaf);
        } catch (SSLPeerUnverifiedException e) {
            throw new IllegalStateException("peer certificate not available: " + e.getMessage(), e);
        }
    }

    /**
     * The PeerId of the certificate this node presented on {@code channel} (connections opened before a PeerId
     * rotation keep the old one); empty without TLS or before its handshake.
     */
    static Optional<Bytes32> localPeerId(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return Optional.empty();
        }
        Certificate[] chain = tls.engine().getSession().getLocalCertificates();
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        return Optional.of(TlsIdentity.peerIdOf(leaf));
    }
}
