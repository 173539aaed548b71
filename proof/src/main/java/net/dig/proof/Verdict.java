package net.dig.proof;

/** The outcome of checking a bundle ({@link BundleVerifier}): valid, or the first reason it is not. */
public enum Verdict {
    VALID,
    /** Not a bundle: wrong magic, truncated, trailing bytes, a malformed Merkle proof. */
    MALFORMED,
    /** A bundle of a version this verifier does not read. */
    UNSUPPORTED_VERSION,
    /** Answers another challenge. */
    WRONG_CHALLENGE,
    /** Signed (or claimed) by another key than the challenged node's. */
    WRONG_PROVER,
    /** Carries other parts, or another difficulty, than the challenge asked for. */
    WRONG_PARTS,
    /** A read or the work capsule is not where the challenge (or the previous read) points. */
    WRONG_POSITION,
    /** A chunk, its length or its proofs do not chain up to the signed datastore root. */
    BAD_CHUNK,
    /** The work hash has fewer leading zero bits than the difficulty. */
    INSUFFICIENT_WORK,
    /** The Ed25519 signature does not verify. */
    BAD_SIGNATURE,
    /** Valid bytes that arrived after the deadline the verifier measured. */
    LATE
}
