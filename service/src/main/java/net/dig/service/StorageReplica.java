package net.dig.service;

import java.util.Map;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.proof.ReplicaReader;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.StorageEngine;
import net.dig.storage.StorageErrorCode;
import net.dig.storage.StorageException;

/**
 * This node's plots as the proof pipeline reads them: one datastore, capsule hashes and chunk roots
 * from its signed manifest, chunks and proofs from the storage engine. A capsule this node does not
 * hold fails with the engine's {@link StorageException}.
 */
final class StorageReplica implements ReplicaReader {
    private final StorageEngine storage;
    private final Bytes32 datastoreId;
    private final Map<Integer, CapsuleInfo> capsules;

    StorageReplica(StorageEngine storage, Bytes32 datastoreId, Map<Integer, CapsuleInfo> capsules) {
        this.storage = storage;
        this.datastoreId = datastoreId;
        this.capsules = Map.copyOf(capsules);
    }

    private CapsuleInfo info(int capsuleIndex) {
        CapsuleInfo ci = capsules.get(capsuleIndex);
        if (ci == null) {
            throw new StorageException(StorageErrorCode.NOT_FOUND, "capsule " + capsuleIndex + " of " + datastoreId.toHex()
                    + " is not in its manifest");
        }
        return ci;
    }

    @Override
    public Bytes32 plotId(int capsuleIndex) {
        CapsuleLocation loc = storage.locate(datastoreId, capsuleIndex).orElseThrow(() -> new StorageException(
                StorageErrorCode.NOT_FOUND, "capsule " + capsuleIndex + " of " + datastoreId.toHex() + " is on no plot here"));
        return loc.plotId();
    }

    @Override
    public Bytes32 capsuleHash(int capsuleIndex) {
        return info(capsuleIndex).hash();
    }

    @Override
    public Bytes32 chunkRoot(int capsuleIndex) {
        return info(capsuleIndex).chunkRoot();
    }

    @Override
    public byte[] readChunk(int capsuleIndex, int chunkIndex) {
        return storage.readChunk(datastoreId, capsuleIndex, chunkIndex);
    }

    @Override
    public MerkleProof chunkProof(int capsuleIndex, int chunkIndex) {
        return storage.chunkProof(datastoreId, capsuleIndex, chunkIndex);
    }

    @Override
    public MerkleProof capsuleProof(int capsuleIndex) {
        return storage.capsuleProof(datastoreId, capsuleIndex);
    }
}
