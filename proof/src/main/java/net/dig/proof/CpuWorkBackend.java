package net.dig.proof;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.core.Sha256;

/**
 * {@link WorkBackend} on CPU threads: {@code lanes} tasks on the injected executor, lane {@code w}
 * trying nonces {@code w, w + lanes, w + 2·lanes, …}. A lane that finds a nonce lowers the shared best;
 * each lane stops once its next nonce is above the best, so the result is the smallest valid nonce
 * whatever the scheduling. Expected work {@code 2^difficulty} hashes.
 *
 * <p>The executor must not be the one whose thread calls {@link #search} if it is bounded (a lane
 * waiting for a free thread behind its own caller would never run); give it its own pool of one
 * thread per core.
 */
public final class CpuWorkBackend implements WorkBackend {
    private final Executor executor;
    private final int lanes;

    public CpuWorkBackend(Executor executor, int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("at least one lane");
        }
        this.executor = executor;
        this.lanes = lanes;
    }

    @Override
    public long search(byte[] prefix, int difficulty) {
        if (difficulty < 0 || difficulty > Challenge.MAX_DIFFICULTY) {
            throw new IllegalArgumentException("difficulty must be 0.." + Challenge.MAX_DIFFICULTY);
        }
        AtomicLong best = new AtomicLong(Long.MAX_VALUE);
        List<CompletableFuture<Void>> running = new ArrayList<>(lanes);
        byte[] fixed = prefix.clone();
        for (int w = 0; w < lanes; w++) {
            long first = w;
            running.add(CompletableFuture.runAsync(() -> lane(fixed, difficulty, first, best), executor));
        }
        CompletableFuture.allOf(running.toArray(new CompletableFuture[0])).join();
        return best.get();
    }

    private void lane(byte[] prefix, int difficulty, long first, AtomicLong best) {
        MessageDigest d = Sha256.newDigest();
        ByteBuffer nonce = ByteBuffer.allocate(8);
        byte[] digest = new byte[32];
        for (long n = first; n < best.get(); n += lanes) {
            d.update(prefix);
            d.update(nonce.putLong(0, n).array());
            try {
                d.digest(digest, 0, 32);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
            if (WorkProof.leadingZeroBits(digest) >= difficulty) {
                best.accumulateAndGet(n, Math::min);
                return;
            }
        }
    }
}
