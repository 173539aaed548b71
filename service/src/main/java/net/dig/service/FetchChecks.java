package net.dig.service;

import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.MerkleTree;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.FileEntry;

/**
 * The checks a fetched answer must pass against the signed version it belongs to (docs/architecture.md
 * §6 step 7), as pure functions: a capsule's prologue against merkle_root, a window's chunks against
 * the proven chunk hashes, the name and file table against name_sha256 and files_root. Callers check
 * counts and lengths against the signed sizes first; these only hash.
 */
final class FetchChecks {
    private FetchChecks() {
    }

    /**
     * The chunk_root of capsule {@code c} if its prologue proves out: the chunk hashes fold to a root
     * whose leaf {@code leaf(capsule_hash ‖ chunk_root)} leads, by the leaf proof for leaf {@code c} of
     * exactly capsule_count leaves, to the signed merkle_root; null if not.
     */
    static Bytes32 provenChunkRoot(DatastoreVersion expected, int c, FetchResponse.Prologue pr) {
        int n = pr.chunkHashes().length / 32;
        List<Bytes32> leaves = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            leaves.add(Bytes32.wrap(pr.chunkHashes(), 32 * j));
        }
        Bytes32 chunkRoot = MerkleTree.root(leaves);
        byte[] leafInput = new byte[64];
        pr.capsuleHash().copyTo(leafInput, 0);
        chunkRoot.copyTo(leafInput, 32);
        boolean proven = pr.leafProof().leafIndex() == c
                && pr.leafProof().verifies(MerkleTree.leafHash(leafInput), expected.merkleRoot(), expected.capsuleCount());
        return proven ? chunkRoot : null;
    }

    /** The first chunk (its index in the capsule) of {@code data}, which starts at chunk {@code firstChunk}, not matching its hash; -1 if none. */
    static int badChunk(byte[] data, byte[] chunkHashes, int firstChunk) {
        int n = (data.length + FetchConfig.CHUNK - 1) / FetchConfig.CHUNK;
        for (int j = 0; j < n; j++) {
            int off = j * FetchConfig.CHUNK;
            Bytes32 leaf = MerkleTree.leafHash(data, off, Math.min(FetchConfig.CHUNK, data.length - off));
            if (!leaf.equals(Bytes32.wrap(chunkHashes, 32 * (firstChunk + j)))) {
                return firstChunk + j;
            }
        }
        return -1;
    }

    /** Why a name and file table are not the ones the owner signed; null when they are. */
    static String metadataProblem(DatastoreVersion expected, FetchResponse.Metadata m) {
        String n = m.name() == null ? "" : m.name();
        if (n.length() > ManifestCodec.MAX_NAME || !DatastoreVersion.nameSha256(n).equals(expected.nameSha256())) {
            return "the name is not the one the owner signed";
        }
        for (FileEntry f : m.files()) {
            if (FilePaths.check(f.path()) == null || f.length() > expected.totalSize()
                    || f.offset() > expected.totalSize() - f.length()) {
                return "file " + f.path() + " has an unsafe path or lies outside the datastore";
            }
        }
        try {
            if (!DatastoreVersion.filesRoot(m.files()).equals(expected.filesRoot())) {
                return "the file table does not match the signed files_root";
            }
        } catch (IllegalArgumentException e) {
            return "the file table cannot be encoded: " + e.getMessage();
        }
        return null;
    }
}
