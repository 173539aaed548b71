package net.dig.gossip;

/** A peer's identity: SHA-256 of its TLS certificate's SubjectPublicKeyInfo DER (computed by dig-net). */
public record PeerId(net.dig.core.Bytes32 value) {}
