package net.dig.net;

/**
 * Which peer certificates a node accepts during the mutual TLS handshake. Both sides always
 * require a certificate; identity is the PeerId (SHA-256 of the certificate's SPKI DER) either way.
 */
public enum PeerTrust {
    /**
     * Chia's model (docs/formats/wire.md): the certificate must chain to one of the
     * configured CA certificates; no host name check, no pinning. The CA is shared by the network
     * (Chia even ships its public CA key), so a valid chain proves membership of the network's PKI,
     * not who the peer is: identity is still the PeerId.
     */
    NETWORK_CA,
    /**
     * dig-gossip's rustls model (docs/formats/wire.md): a client certificate is required and captured but
     * not chain-validated, and dialers accept any server certificate. Use it to talk to peers whose
     * leaves are signed by a CA this node does not hold.
     */
    ANY_CERTIFICATE
}
