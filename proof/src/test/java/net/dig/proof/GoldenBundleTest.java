package net.dig.proof;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net.dig.core.Bytes32;
import net.dig.core.Hex;
import net.dig.core.NodeIdentity;
import org.junit.jupiter.api.Test;

/**
 * The golden vector of challenge derivation and bundle version 1 (src/test/resources/vectors/bundle-v1.txt),
 * which the independent Python verifier also checks. Regenerate after a deliberate format change with
 * {@code -Dproof.vectors.write=true}.
 */
class GoldenBundleTest {
    static final Path FILE = Path.of("src/test/resources/vectors/bundle-v1.txt");

    static Map<String, String> vector() {
        NodeIdentity prover = Fixtures.identity("golden");
        MemoryReplica replica = Fixtures.replica("golden", 9000, 1, 4096, 0, 5000);
        Bytes32 ds = Fixtures.bytes32("golden-datastore");
        Challenge c = Challenge.derive(new LocalBeacon(Fixtures.bytes32("golden-beacon")), 42, replica.scope(ds),
                Bytes32.wrap(prover.publicKey()), ProofParts.FULL, 3, 4, 8);
        byte[] bundle = Fixtures.pipeline().generate(c, replica, prover).bytes();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("challenge_preimage", Hex.encodePlain(c.preimage()));
        v.put("challenge_id", c.id().toHex());
        v.put("datastore_root", replica.root().toHex());
        v.put("prover_key", Hex.encodePlain(prover.publicKey()));
        StringBuilder positions = new StringBuilder();
        for (ChunkPosition p : c.inclusionPositions()) {
            positions.append(positions.isEmpty() ? "" : ",").append(p.capsuleIndex()).append(':').append(p.chunkIndex());
        }
        v.put("inclusion_positions", positions.toString());
        v.put("anchor_capsule", Integer.toString(c.anchorCapsule()));
        v.put("bundle", Hex.encodePlain(bundle));
        return v;
    }

    static String render(Map<String, String> v) {
        StringBuilder out = new StringBuilder("# dig-proof golden vector: challenge derivation v1 and proof bundle v1 (hex)\n");
        v.forEach((k, val) -> out.append(k).append('=').append(val).append('\n'));
        return out.toString();
    }

    @Test
    void theVectorIsReproducedByteForByte() throws IOException {
        String expected = render(vector());
        if (Boolean.getBoolean("proof.vectors.write")) {
            Files.writeString(FILE, expected, StandardCharsets.US_ASCII);
        }
        assertThat(Files.readString(FILE, StandardCharsets.US_ASCII)).isEqualTo(expected);
    }
}
