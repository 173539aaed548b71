package net.dig.proof;

import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;
import net.dig.core.MerkleProof;
import net.dig.core.MerkleTree;
import net.dig.core.Sha256;

/**
 * A whole datastore held in memory with its trees built (docs/architecture.md §4.1): for devnets,
 * benchmarks and tests, and as the reference a plot-backed {@link ReplicaReader} must agree with.
 * Every capsule is on one plot. Immutable after construction; thread-safe.
 */
public final class MemoryReplica implements ReplicaReader {
    private final Bytes32 plotId;
    private final byte[][] capsules;
    private final Bytes32[] hashes;
    private final MerkleTree[] chunkTrees;
    private final MerkleTree datastoreTree;

    public MemoryReplica(Bytes32 plotId, List<byte[]> capsules) {
        this.plotId = plotId;
        int n = capsules.size();
        this.capsules = new byte[n][];
        this.hashes = new Bytes32[n];
        this.chunkTrees = new MerkleTree[n];
        List<Bytes32> leaves = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] c = capsules.get(i).clone();
            this.capsules[i] = c;
            hashes[i] = Sha256.hash(c);
            int chunks = (int) ChallengeScope.chunkCount(c.length);
            List<Bytes32> chunkLeaves = new ArrayList<>(chunks);
            for (int k = 0; k < chunks; k++) {
                int off = k * ChallengeScope.CHUNK_SIZE;
                chunkLeaves.add(MerkleTree.leafHash(c, off, Math.min(ChallengeScope.CHUNK_SIZE, c.length - off)));
            }
            chunkTrees[i] = MerkleTree.of(chunkLeaves);
            leaves.add(ChunkRead.capsuleLeaf(hashes[i], chunkTrees[i].root()));
        }
        this.datastoreTree = MerkleTree.of(leaves);
    }

    /** The datastore root the owner signs. */
    public Bytes32 root() {
        return datastoreTree.root();
    }

    /** The scope of every capsule of this datastore. */
    public ChallengeScope scope(Bytes32 datastoreId) {
        int[] idx = new int[capsules.length];
        long[] sizes = new long[capsules.length];
        for (int i = 0; i < capsules.length; i++) {
            idx[i] = i;
            sizes[i] = capsules[i].length;
        }
        return new ChallengeScope(datastoreId, capsules.length, idx, sizes);
    }

    @Override
    public Bytes32 plotId(int capsuleIndex) {
        return plotId;
    }

    @Override
    public Bytes32 capsuleHash(int capsuleIndex) {
        return hashes[capsuleIndex];
    }

    @Override
    public Bytes32 chunkRoot(int capsuleIndex) {
        return chunkTrees[capsuleIndex].root();
    }

    @Override
    public byte[] readChunk(int capsuleIndex, int chunkIndex) {
        byte[] c = capsules[capsuleIndex];
        int off = chunkIndex * ChallengeScope.CHUNK_SIZE;
        if (chunkIndex < 0 || (off >= c.length && !(c.length == 0 && chunkIndex == 0))) {
            throw new IndexOutOfBoundsException("capsule " + capsuleIndex + " has no chunk " + chunkIndex);
        }
        return java.util.Arrays.copyOfRange(c, off, Math.min(c.length, off + ChallengeScope.CHUNK_SIZE));
    }

    @Override
    public MerkleProof chunkProof(int capsuleIndex, int chunkIndex) {
        return chunkTrees[capsuleIndex].proof(chunkIndex);
    }

    @Override
    public MerkleProof capsuleProof(int capsuleIndex) {
        return datastoreTree.proof(capsuleIndex);
    }
}
