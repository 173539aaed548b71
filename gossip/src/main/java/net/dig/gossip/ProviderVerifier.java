package net.dig.gossip;

/**
 * Decides whether a provider record's signature was made by the key behind its provider id. Production binds the
 * PeerId to the provider's TLS key; tests use Ed25519 identities. Must return false, never throw, for any
 * malformed signature.
 */
@FunctionalInterface
public interface ProviderVerifier {
    boolean verify(ProviderRecord record);
}
