package net.dig.gossip;

/** Signs {@link ProviderRecord#signedBytes()} of this node's own records with the key behind its PeerId. */
@FunctionalInterface
public interface ProviderSigner {
    byte[] sign(byte[] signedBytes);
}
