package net.dig.proof;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;

/**
 * Answers a {@link Challenge} from the node's own replica: the seed's parallel proof pipeline.
 *
 * <p>What runs where: each inclusion read is a task on the read executor; the physical-access chain
 * is one task there (its reads are sequential by construction: each position comes from the previous
 * read's bytes); the work search runs from the calling thread on the {@link WorkBackend} (its own
 * lanes, all cores); ownership is the final signature over everything. {@code generation_time}
 * is the injected clock's monotonic reading around the whole of it.
 *
 * <p>Failure: a read the replica cannot serve fails the whole answer with the replica's exception
 * (unwrapped); nothing is signed then. Thread-safe; {@link #generate} blocks.
 */
public final class ProofPipeline {
    /** A signed bundle, its bytes, and how long generating it took on this node. */
    public record Generated(ProofBundle bundle, byte[] bytes, long elapsedNanos) {
    }

    private final Executor reads;
    private final WorkBackend work;
    private final Clock clock;

    public ProofPipeline(Executor reads, WorkBackend work, Clock clock) {
        this.reads = reads;
        this.work = work;
        this.clock = clock;
    }

    public Generated generate(Challenge challenge, ReplicaReader replica, NodeIdentity identity) {
        if (!Bytes32.wrap(identity.publicKey()).equals(challenge.proverKey())) {
            throw new IllegalArgumentException("the challenge is for another prover key");
        }
        long start = clock.nanos();
        ProofParts parts = challenge.parts();
        List<CompletableFuture<ChunkRead>> inclusion = new ArrayList<>();
        if (parts.inclusion()) {
            for (ChunkPosition at : challenge.inclusionPositions()) {
                inclusion.add(CompletableFuture.supplyAsync(() -> ChunkRead.read(replica, at), reads));
            }
        }
        CompletableFuture<List<ChunkRead>> access = parts.access()
                ? CompletableFuture.supplyAsync(() -> accessChain(challenge, replica), reads)
                : CompletableFuture.completedFuture(List.of());
        try {
            int anchor = challenge.anchorCapsule();
            Bytes32 plotId = replica.plotId(anchor);
            WorkProof workProof = parts.work() ? work(challenge, replica, anchor, plotId) : null;
            List<ChunkRead> included = new ArrayList<>(inclusion.size());
            for (CompletableFuture<ChunkRead> f : inclusion) {
                included.add(f.join());
            }
            ProofBundle bundle = ProofBundle.sign(parts, challenge.id(), plotId, included, access.join(), workProof, identity);
            byte[] bytes = bundle.encode();
            return new Generated(bundle, bytes, clock.nanos() - start);
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Read 0 at the challenge's first position, read i+1 where read i's bytes point. */
    static List<ChunkRead> accessChain(Challenge challenge, ReplicaReader replica) {
        List<ChunkRead> chain = new ArrayList<>(challenge.accessReads());
        ChunkPosition at = challenge.firstAccess();
        for (int i = 0; i < challenge.accessReads(); i++) {
            ChunkRead read = ChunkRead.read(replica, at);
            chain.add(read);
            if (i + 1 < challenge.accessReads()) {
                at = challenge.nextAccess(i, read.chunkBytes());
            }
        }
        return chain;
    }

    private WorkProof work(Challenge challenge, ReplicaReader replica, int anchor, Bytes32 plotId) {
        Bytes32 capsuleHash = replica.capsuleHash(anchor);
        long nonce = work.search(WorkProof.puzzlePrefix(plotId, capsuleHash, challenge.id()), challenge.difficulty());
        return new WorkProof(anchor, capsuleHash, replica.chunkRoot(anchor), replica.capsuleProof(anchor),
                challenge.difficulty(), nonce);
    }
}
