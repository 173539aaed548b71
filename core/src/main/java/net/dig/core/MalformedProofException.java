package net.dig.core;

/**
 * A Merkle proof that cannot be checked at all: bad encoding, an index outside the tree, or a sibling
 * count that does not match the tree shape. The message says which; it is safe to show to a client.
 */
public final class MalformedProofException extends IllegalArgumentException {
    public MalformedProofException(String message) {
        super(message);
    }
}
