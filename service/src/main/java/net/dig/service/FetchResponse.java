package net.dig.service;

import java.util.List;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.storage.FileEntry;

/**
 * A provider's answer to a {@link FetchRequest}, as plain values (the transport's message maps onto it).
 * Nothing in it is trusted: the asker checks every byte against the signed version it expects
 * ({@link FetchSession}).
 */
public sealed interface FetchResponse {
    long requestId();

    /**
     * Stored bytes of a capsule from {@code offset} (as asked); possibly shorter than asked (the provider's
     * window cap or the asker's {@code maxSize}), then a whole number of 4 KiB chunks.
     */
    record Window(long requestId, int capsuleIndex, long offset, byte[] data, Prologue prologue) implements FetchResponse {
        public Window {
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * What proves a capsule's windows: its claimed {@code capsuleHash}, the leaf hash of each of its 4 KiB
     * chunks ({@code chunkHashes}, 32 bytes each, at most 4096 of them for 16 MiB) and the proof of its
     * leaf {@code leaf(capsule_hash ‖ chunk_root)} to the datastore's merkle_root.
     */
    record Prologue(Bytes32 capsuleHash, byte[] chunkHashes, MerkleProof leafProof) {
        public Prologue {
            Objects.requireNonNull(capsuleHash, "capsuleHash");
            Objects.requireNonNull(chunkHashes, "chunkHashes");
            Objects.requireNonNull(leafProof, "leafProof");
        }

        /** The bytes the prologue takes in an answer: hash, count, chunk hashes, encoded proof. */
        public int encodedSize() {
            return encodedSize(chunkHashes.length / 32, leafProof.siblings().size());
        }

        /** The size of a prologue of {@code chunks} chunk hashes and a proof of {@code siblings} siblings. */
        public static int encodedSize(int chunks, int siblings) {
            return 32 + 4 + 32 * chunks + 9 + 32 * siblings;
        }
    }

    /** The name and file table of the version asked about. */
    record Metadata(long requestId, String name, List<FileEntry> files) implements FetchResponse {
        public Metadata {
            files = List.copyOf(files);
        }
    }

    /** The provider will not answer: a row of the error table (not held here, quarantined, rate limited). */
    record Refused(long requestId, ErrorCode code, String message, long retryAfterMillis) implements FetchResponse {
        public Refused {
            Objects.requireNonNull(code, "code");
        }
    }
}
