package net.dig.net;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import net.dig.core.Bytes32;

/** Reads the remote PeerId off a channel whose TLS handshake has completed. */
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
}
