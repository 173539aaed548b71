package net.dig.proof;

/**
 * Searches the work puzzle of {@link WorkProof}: the smallest nonce {@code n ≥ 0} such that
 * {@code SHA-256(prefix ‖ u64 BE n)} has at least {@code difficulty} leading zero bits. Returning the
 * smallest (not any) makes answers reproducible and lets any backend (CPU now, a GPU one later) be
 * checked against another. Blocking; thread-safe.
 */
public interface WorkBackend {
    long search(byte[] prefix, int difficulty);
}
