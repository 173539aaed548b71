package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The handle records (payloads 21..23): the golden vector, the owner check, limits, and the trip through the codec. */
@Timeout(10)
class HandleRecordsTest {
    private static final Map<String, byte[]> VECTORS = Vectors.load("handles.txt");
    private static final NodeIdentity OWNER = NodeIdentity.fromSeed(seq(32, 1));
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(seq(32, 9));
    private static final byte[] NONCE = seq(32, 0x40);

    static byte[] seq(int n, int from) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    static NodePayload.HandleRegistration golden() {
        TreeMap<String, String> md = new TreeMap<>(Map.of("title", "My site", "lang", "en"));
        return NodePayload.HandleRegistration.signed("my-site", NONCE, Optional.of(Bytes32.wrap(seq(32, 0x80))), 3,
                1_800_000_000L, 1_800_000_000L + 365 * 86_400L, false, md, OWNER);
    }

    @Test
    void theOwnerSignsTheDocumentedBytes() {
        NodePayload.HandleRegistration r = golden();
        assertThat(OWNER.publicKey()).isEqualTo(VECTORS.get("owner_public_key"));
        assertThat(r.datastoreId().toArray()).isEqualTo(VECTORS.get("datastore_id"));
        assertThat(r.signingBytes()).isEqualTo(VECTORS.get("signing_bytes"));
        assertThat(r.id().toArray()).isEqualTo(VECTORS.get("record_id"));
        assertThat(r.ownerSignature()).isEqualTo(VECTORS.get("owner_signature"));
        assertThat(r.ownerValid()).isTrue();
    }

    @Test
    void anotherKeyAnotherNonceOrAChangedFieldFailsTheOwnerCheck() {
        NodePayload.HandleRegistration r = golden();
        NodePayload.HandleRegistration otherKey = NodePayload.HandleRegistration.signed("my-site", NONCE, r.pinnedRoot(), 3,
                r.registeredAt(), r.expiresAt(), false, r.metadata(), NODE);
        // signed by NODE, but naming OWNER's datastore: the id does not derive from NODE's key
        assertThat(new NodePayload.HandleRegistration("my-site", r.datastoreId(), NODE.publicKey(), NONCE, r.pinnedRoot(), 3,
                r.registeredAt(), r.expiresAt(), false, r.metadata(), otherKey.ownerSignature()).ownerValid()).isFalse();
        assertThat(new NodePayload.HandleRegistration("my-site", r.datastoreId(), r.ownerPublicKey(), seq(32, 0), r.pinnedRoot(), 3,
                r.registeredAt(), r.expiresAt(), false, r.metadata(), r.ownerSignature()).ownerValid()).isFalse();
        assertThat(new NodePayload.HandleRegistration("my-site", r.datastoreId(), r.ownerPublicKey(), NONCE, Optional.empty(), 3,
                r.registeredAt(), r.expiresAt(), false, r.metadata(), r.ownerSignature()).ownerValid()).isFalse();
        assertThat(new NodePayload.HandleRegistration("my-site", r.datastoreId(), r.ownerPublicKey(), NONCE, r.pinnedRoot(), 3,
                r.registeredAt(), r.expiresAt(), true, r.metadata(), r.ownerSignature()).ownerValid()).isFalse();
    }

    @Test
    void recordsOutsideTheRulesDoNotExist() {
        NodePayload.HandleRegistration r = golden();
        for (String bad : new String[] {"", "-a", "a-", "A", "a_b", "x".repeat(64)}) {
            assertThatThrownBy(() -> NodePayload.HandleRegistration.signed(bad, NONCE, Optional.empty(), 3, 1, 2, false,
                    new TreeMap<>(), OWNER)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> NodePayload.HandleRegistration.signed("a", NONCE, Optional.empty(), 7, 1, 2, false,
                new TreeMap<>(), OWNER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodePayload.HandleRegistration.signed("a", NONCE, Optional.empty(), 3, 10, 10, false,
                new TreeMap<>(), OWNER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodePayload.HandleRegistration.signed("a", NONCE, Optional.empty(), 3, 10,
                10 + NodePayload.HandleRegistration.MAX_TERM_SECONDS + 1, false, new TreeMap<>(), OWNER))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(NodePayload.HandleRegistration.signed("a", NONCE, Optional.empty(), 3, 10, 11, false, new TreeMap<>(), OWNER)
                .label()).isEqualTo("a");
        assertThat(HandleLabels.reserved("www")).isTrue();
        assertThat(HandleLabels.malformed("www")).isEmpty();
        assertThat(r.equals(golden())).isTrue();
    }

    @Test
    void allThreePayloadsTravelAsSignedNodeMessages() {
        NodePayload.HandleRegistration r = golden();
        NodePayload.HandleRegistration free = NodePayload.HandleRegistration.signed("b", NONCE, Optional.empty(), 1, 5, 6, true,
                new TreeMap<>(), OWNER);
        byte[] buckets = seq(NodePayload.HandleDigest.BUCKETS * 32, 3);
        for (NodePayload p : List.of(r, free, new NodePayload.HandleDigest(buckets, 77), new NodePayload.HandleBatch(List.of(r, free)))) {
            byte[] body = NodeMessageCodec.encode(NodeMessageCodec.sign(p, NODE, 1_800_000_001L, 7, "testnet11"));
            assertThat(NodeMessageCodec.payloadField(body)).isEqualTo(p.fieldNumber());
            NodeMessage back = NodeMessageCodec.decode(body, NodeMessageLimits.DEFAULT);
            assertThat(back.signatureValid()).isTrue();
            switch (back.payload()) {
                case NodePayload.HandleDigest d -> {
                    assertThat(d.bucketHashes()).isEqualTo(buckets);
                    assertThat(d.recordCount()).isEqualTo(77);
                }
                default -> assertThat(back.payload()).isEqualTo(p);
            }
        }
        assertThat(NodeMessageCodec.decodeHandle(NodeMessageCodec.encodeHandle(r))).isEqualTo(r);
        assertThat(NodeMessageCodec.decodeHandle(NodeMessageCodec.encodeHandle(r)).ownerValid()).isTrue();
    }

    @Test
    void malformedHandlePayloadsAreWireErrors() {
        NodePayload.HandleRegistration r = golden();
        byte[] record = NodeMessageCodec.encodeHandle(r);
        byte[] cut = java.util.Arrays.copyOf(record, record.length - 3);
        assertThatThrownBy(() -> NodeMessageCodec.decodeHandle(cut)).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> new NodePayload.HandleDigest(new byte[31], 0)).isInstanceOf(IllegalArgumentException.class);
        List<NodePayload.HandleRegistration> many = java.util.Collections.nCopies(NodePayload.HandleBatch.MAX + 1, r);
        assertThatThrownBy(() -> new NodePayload.HandleBatch(many)).isInstanceOf(IllegalArgumentException.class);
        assertThat(NodePayload.HandleDigest.bucketOf("my-site")).isBetween(0, NodePayload.HandleDigest.BUCKETS - 1);
    }
}
