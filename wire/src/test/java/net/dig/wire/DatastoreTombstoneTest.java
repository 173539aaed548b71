package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DatastoreTombstoneTest {
    private static final NodeIdentity OWNER = NodeIdentity.fromSeed(Sha256.hash("owner".getBytes()).toArray());
    private static final NodeIdentity NODE = NodeIdentity.fromSeed(Sha256.hash("node".getBytes()).toArray());
    private static final Bytes32 STORE = Sha256.hash("store".getBytes());

    @Test
    void theOwnerSignsTheDocumentedBytes() {
        NodePayload.DatastoreTombstone t = NodePayload.DatastoreTombstone.signed(STORE, 3, 1_800_000_000L, OWNER);
        byte[] signed = NodePayload.DatastoreTombstone.signingBytes(STORE, 3, 1_800_000_000L);
        assertThat(new String(signed, 0, 16, StandardCharsets.US_ASCII)).isEqualTo("dig:tombstone:v1");
        assertThat(Arrays.copyOfRange(signed, 16, 48)).isEqualTo(STORE.toArray());
        assertThat(signed).hasSize(16 + 32 + 16);
        assertThat(NodeIdentity.verify(OWNER.publicKey(), signed, t.ownerSignature())).isTrue();
        assertThat(t.signatureValid()).isTrue();
    }

    @Test
    void aChangedFieldOrAnotherKeyFailsTheSignature() {
        NodePayload.DatastoreTombstone t = NodePayload.DatastoreTombstone.signed(STORE, 3, 1_800_000_000L, OWNER);
        assertThat(new NodePayload.DatastoreTombstone(STORE, 4, t.timestamp(), t.ownerPublicKey(), t.ownerSignature()).signatureValid()).isFalse();
        assertThat(new NodePayload.DatastoreTombstone(STORE, 3, t.timestamp(), NODE.publicKey(), t.ownerSignature()).signatureValid()).isFalse();
        assertThatThrownBy(() -> new NodePayload.DatastoreTombstone(STORE, 3, 1, new byte[31], new byte[64]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itTravelsAsPayload20OfASignedNodeMessage() {
        NodePayload.DatastoreTombstone t = NodePayload.DatastoreTombstone.signed(STORE, 3, 1_800_000_000L, OWNER);
        NodeMessage m = NodeMessageCodec.sign(t, NODE, 1_800_000_001L, 7, "testnet11");
        byte[] body = NodeMessageCodec.encode(m);
        assertThat(body[0]).as("field 20, length-delimited").isEqualTo((byte) 0xA2);
        assertThat(body[1]).isEqualTo((byte) 0x01);
        assertThat(NodeMessageCodec.payloadField(body)).isEqualTo(NodePayload.DatastoreTombstone.FIELD);
        byte[] gossipBody = NodeMessageCodec.encode(NodeMessageCodec.sign(new NodePayload.DataStoreGossip(STORE, 1, STORE, 1, 1,
                new byte[0]), NODE, 1, 1, "testnet11"));
        assertThat(NodeMessageCodec.payloadField(gossipBody)).isEqualTo(NodePayload.DataStoreGossip.FIELD);
        assertThat(NodeMessageCodec.payloadField(new byte[] {(byte) 0xFF})).isZero();
        NodeMessage back = NodeMessageCodec.decode(body, NodeMessageLimits.DEFAULT);
        assertThat(back.signatureValid()).isTrue();
        NodePayload.DatastoreTombstone got = (NodePayload.DatastoreTombstone) back.payload();
        assertThat(got.datastoreId()).isEqualTo(STORE);
        assertThat(got.version()).isEqualTo(3);
        assertThat(got.ownerPublicKey()).isEqualTo(OWNER.publicKey());
        assertThat(got.signatureValid()).isTrue();
        byte[] shortKey = body.clone();
        int keyLengthAt = NodeMessageCodecTest.indexOf(shortKey, new byte[] {0x22, 0x20});
        shortKey[keyLengthAt + 1] = 0x1F;
        assertThatThrownBy(() -> NodeMessageCodec.decode(shortKey, NodeMessageLimits.DEFAULT)).isInstanceOf(WireException.class);
    }
}
