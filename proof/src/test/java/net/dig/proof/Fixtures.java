package net.dig.proof;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;

/** Deterministic datastores, keys and challenges for the proof tests. */
final class Fixtures {
    static final Executor DIRECT = Runnable::run;

    private Fixtures() {}

    static Bytes32 bytes32(String label) {
        return Sha256.hash(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static NodeIdentity identity(String label) {
        return NodeIdentity.fromSeed(bytes32("key:" + label).toArray());
    }

    /** Bytes of the SHA-256 counter stream of {@code label}. */
    static byte[] stream(String label, int length) {
        byte[] out = new byte[length];
        for (int off = 0, i = 0; off < length; off += 32, i++) {
            byte[] block = Sha256.hash(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    ByteBuffer.allocate(4).putInt(i).array()).toArray();
            System.arraycopy(block, 0, out, off, Math.min(32, length - off));
        }
        return out;
    }

    /** A replica of capsules with the given sizes, content derived from {@code label}. */
    static MemoryReplica replica(String label, int... sizes) {
        List<byte[]> capsules = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            capsules.add(stream(label + ":" + i, sizes[i]));
        }
        return new MemoryReplica(bytes32("plot:" + label), capsules);
    }

    static ProofPipeline pipeline() {
        return new ProofPipeline(DIRECT, new CpuWorkBackend(DIRECT, 1), net.dig.core.Clock.system());
    }
}
