package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node message codec: every payload round-trips, the signature covers the documented canonical bytes
 * built from the payload bytes as received, the golden vectors (node-messages.txt) are reproduced by the
 * encoder and accepted by the decoder, and every malformed body is a WireException.
 */
@Timeout(30)
class NodeMessageCodecTest {
    private static final NodeIdentity KEY = NodeIdentity.fromSeed(seq(32, 1));
    private static final Map<String, byte[]> VECTORS = Vectors.load("node-messages.txt");
    private static final NodeMessageLimits L = NodeMessageLimits.DEFAULT;

    static byte[] seq(int n, int from) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    static Bytes32 b32(int from) {
        return Bytes32.wrap(seq(32, from));
    }

    static NodePayload.NodeAnnouncement announcement() {
        return new NodePayload.NodeAnnouncement(b32(0x10), seq(91, 0x40), seq(70, 0x80),
                new NodePayload.HttpEndpoint("node.example", 8555, "https"), List.of("storage", "retrieval"),
                16L << 40, 5L << 40, "archive");
    }

    static NodePayload.CapsuleRequest request() {
        return new NodePayload.CapsuleRequest(b32(0x20), 7, 3, 1 << 20, 1 << 20, 1 << 20, Bytes32.wrap(KEY.publicKey()));
    }

    static List<NodePayload> everyPayload() {
        return List.of(announcement(),
                new NodePayload.DataStoreGossip(b32(0x20), 7, b32(0x30), 12, 12L << 20, seq(40, 9)),
                request(),
                new NodePayload.CapsuleResponse(b32(0x20), 7, 3, 0, seq(100, 0), 4096 * 2, b32(1), b32(2),
                        List.of(b32(3), b32(4)), seq(41, 5), b32(6), 2),
                new NodePayload.ValidationChallenge(b32(7), b32(0x20), 3, 17, b32(8), 1_900_000_000L),
                new NodePayload.ProofResponse(b32(7), seq(4096, 0), seq(9 * 32 + 9, 1), b32(1), b32(2), seq(41, 5), b32(6)),
                new NodePayload.CapsuleRequest(b32(0x20), 7, 3, 8192, 4096, 1 << 20, Bytes32.wrap(KEY.publicKey()), true),
                new NodePayload.NodeRefusal("RATE_LIMITED", "budget", 250),
                new NodePayload.MetadataRequest(b32(0x20), 7),
                new NodePayload.DatastoreMetadata(b32(0x20), 7, "photos", List.of(new NodePayload.FileRow("a/b.txt", 0, 10, b32(9)),
                        new NodePayload.FileRow("c", 10, 0, b32(10)))),
                new NodePayload.ReplicationReply(b32(0x20), 7, false, "STALE_VERSION", 123_456, 1_800_000_000_000L));
    }

    @Test
    void theExtensionPayloadsDecodeToTheirValues() {
        for (NodePayload p : everyPayload().subList(6, everyPayload().size())) {
            NodePayload back = NodeMessageCodec.decode(NodeMessageCodec.encode(NodeMessageCodec.sign(p, KEY, 1, 1, "n")), L).payload();
            assertThat(back).as(p.getClass().getSimpleName()).isEqualTo(p);
        }
        NodePayload.CapsuleRequest mid = (NodePayload.CapsuleRequest) everyPayload().get(6);
        assertThat(mid.wantsChunkHashes()).isTrue();
        assertThat(request().wantsChunkHashes()).as("offset 1 MiB, not asked").isFalse();
        assertThat(new NodePayload.CapsuleRequest(b32(1), 1, 0, 0, 0, 1, b32(2)).wantsChunkHashes()).as("offset 0").isTrue();
    }

    @Test
    void anOfferCarriesTheDatastoreNameAndAnOfferWithoutOneDecodesToTheEmptyName() {
        var named = new NodePayload.DataStoreGossip(b32(0x20), 7, b32(0x30), 12, 12L << 20, seq(40, 9), "spam-1");
        var back = (NodePayload.DataStoreGossip) NodeMessageCodec.decode(NodeMessageCodec.encode(
                NodeMessageCodec.sign(named, KEY, 1, 1, "n")), L).payload();
        assertThat(back.name()).isEqualTo("spam-1");
        assertThat(back.versionRecord()).isEqualTo(seq(40, 9));
        var unnamed = (NodePayload.DataStoreGossip) NodeMessageCodec.decode(NodeMessageCodec.encode(
                NodeMessageCodec.sign(everyPayload().get(1), KEY, 1, 1, "n")), L).payload();
        assertThat(unnamed.name()).isEmpty();
    }

    @Test
    void everyPayloadRoundTripsWithAValidSignature() {
        for (NodePayload p : everyPayload()) {
            NodeMessage signed = NodeMessageCodec.sign(p, KEY, 1_800_000_000L, 42, "testnet11");
            NodeMessage back = NodeMessageCodec.decode(NodeMessageCodec.encode(signed), L);
            assertThat(back).as(p.getClass().getSimpleName()).isEqualTo(signed);
            assertThat(back.signatureValid()).isTrue();
            assertThat(back.payload().getClass()).isEqualTo(p.getClass());
            assertThat(NodeMessageCodec.encode(back)).isEqualTo(NodeMessageCodec.encode(signed));
            assertThat(back.senderNodeId()).isEqualTo(KEY.nodeId());
            assertThat(back.timestamp()).isEqualTo(1_800_000_000L);
            assertThat(back.sequence()).isEqualTo(42);
            assertThat(back.networkId()).isEqualTo("testnet11");
        }
        NodePayload.CapsuleResponse r = (NodePayload.CapsuleResponse) NodeMessageCodec.decode(NodeMessageCodec.encode(
                NodeMessageCodec.sign(everyPayload().get(3), KEY, 1, 1, "n")), L).payload();
        assertThat(r.chunkHashes()).containsExactly(b32(3), b32(4));
        assertThat(r.data()).isEqualTo(seq(100, 0));
        assertThat(r.compression()).isEqualTo(2);
        NodePayload.NodeAnnouncement a = (NodePayload.NodeAnnouncement) NodeMessageCodec.decode(NodeMessageCodec.encode(
                NodeMessageCodec.sign(announcement(), KEY, 1, 1, "n")), L).payload();
        assertThat(a.http()).isEqualTo(new NodePayload.HttpEndpoint("node.example", 8555, "https"));
        assertThat(a.capabilities()).containsExactly("storage", "retrieval");
        assertThat(a.tlsPublicKey()).isEqualTo(seq(91, 0x40));
        assertThat(a.capacityFreeBytes()).isEqualTo(5L << 40);
    }

    @Test
    void theSignatureCoversTheDocumentedCanonicalBytesAndTheTimestamp() throws IOException {
        NodeMessage m = NodeMessageCodec.sign(request(), KEY, 1_800_000_000L, 42, "testnet11");
        byte[] payload = payloadBytes(NodeMessageCodec.encode(m));
        byte[] network = "testnet11".getBytes(StandardCharsets.UTF_8);
        ByteBuffer expected = ByteBuffer.allocate(19 + 1 + 4 + payload.length + 2 + network.length + 32 + 8 + 8);
        expected.put("dig:node-message:v1".getBytes(StandardCharsets.US_ASCII)).put((byte) 3).putInt(payload.length).put(payload)
                .putShort((short) network.length).put(network).put(KEY.publicKey()).putLong(42).putLong(1_800_000_000L);
        assertThat(m.signedBytes()).isEqualTo(expected.array());
        assertThat(NodeIdentity.verify(KEY.publicKey(), expected.array(), m.signature())).isTrue();
    }

    @Test
    void verificationUsesThePayloadBytesAsReceivedNotAReserialisation() throws IOException {
        // the sender's payload carries a field this version does not know: dropped by the record, still signed
        byte[] payload = withUnknownField(payloadBytes(NodeMessageCodec.encode(NodeMessageCodec.sign(request(), KEY, 5, 6, "n"))));
        ByteBuffer signed = ByteBuffer.allocate(19 + 1 + 4 + payload.length + 2 + 1 + 32 + 16);
        signed.put("dig:node-message:v1".getBytes(StandardCharsets.US_ASCII)).put((byte) 3).putInt(payload.length).put(payload)
                .putShort((short) 1).put((byte) 'n').put(KEY.publicKey()).putLong(6).putLong(5);
        byte[] body = body(3, payload, KEY.sign(signed.array()), 5, KEY.publicKey(), 6, "n");

        NodeMessage received = NodeMessageCodec.decode(body, L);
        assertThat(received.signatureValid()).isTrue();
        assertThat(received.payload()).isEqualTo(request());
        assertThat(NodeMessageCodec.encode(received)).as("relayed as received").isEqualTo(body);
    }

    @Test
    void anyChangedByteBreaksTheSignature() {
        byte[] body = NodeMessageCodec.encode(NodeMessageCodec.sign(announcement(), KEY, 1_800_000_000L, 42, "testnet11"));
        int checked = 0;
        for (int i = 0; i < body.length; i++) {
            byte[] changed = body.clone();
            changed[i] ^= 0x01;
            NodeMessage m;
            try {
                m = NodeMessageCodec.decode(changed, L);
            } catch (WireException malformed) {
                continue;
            }
            assertThat(m.signatureValid()).as("byte %d flipped", i).isFalse();
            checked++;
        }
        assertThat(checked).isGreaterThan(body.length / 2);
    }

    @Test
    void goldenVectorsAreProducedByTheEncoderAndAcceptedByTheDecoder() {
        NodeMessage request = NodeMessageCodec.sign(request(), KEY, 1_800_000_000L, 1_800_000_000_000_000L, "testnet11");
        NodeMessage announce = NodeMessageCodec.sign(announcement(), KEY, 1_800_000_000L, 1_800_000_000_000_001L, "testnet11");
        assertThat(HexFormat.of().formatHex(NodeMessageCodec.toMessage(request, java.util.OptionalInt.of(7)).encode()))
                .isEqualTo(HexFormat.of().formatHex(VECTORS.get("frame_capsule_request_id7")));
        assertThat(HexFormat.of().formatHex(NodeMessageCodec.toMessage(announce).encode()))
                .isEqualTo(HexFormat.of().formatHex(VECTORS.get("frame_node_announcement")));
        assertThat(HexFormat.of().formatHex(request.signature())).isEqualTo(HexFormat.of().formatHex(VECTORS.get("capsule_request_signature")));

        Message frame = Message.decode(VECTORS.get("frame_node_announcement"), WireLimits.DEFAULT);
        assertThat(frame.type()).isEqualTo(240).isEqualTo(DigMessageType.DIG_NODE_MESSAGE.code());
        NodeMessage decoded = NodeMessageCodec.decode(frame.data(), L);
        assertThat(decoded.signatureValid()).isTrue();
        assertThat(decoded.senderKey()).isEqualTo(Bytes32.wrap(KEY.publicKey()));
        assertThat(decoded.payload()).usingRecursiveComparison().isEqualTo(announcement());
        Message req = Message.decode(VECTORS.get("frame_capsule_request_id7"), WireLimits.DEFAULT);
        assertThat(req.id()).hasValue(7);
        assertThat(NodeMessageCodec.decode(req.data(), L).payload()).isEqualTo(request());
    }

    static NodePayload.CapsuleResponse response() {
        return new NodePayload.CapsuleResponse(b32(0x20), 7, 3, 0, seq(64, 0), 64, b32(0x40), Bytes32.ZERO, List.of(), new byte[0],
                Bytes32.ZERO, 0);
    }

    @Test
    void aCapsuleResponseIsSignedInItsDigestFormAndTheGoldenVectorHoldsIt() {
        NodeMessage signed = NodeMessageCodec.sign(response(), KEY, 1_800_000_000L, 1_800_000_000_000_002L, "testnet11");
        assertThat(HexFormat.of().formatHex(NodeMessageCodec.toMessage(signed, java.util.OptionalInt.of(7)).encode()))
                .isEqualTo(HexFormat.of().formatHex(VECTORS.get("frame_capsule_response_id7")));
        assertThat(HexFormat.of().formatHex(signed.signature())).isEqualTo(HexFormat.of().formatHex(VECTORS.get("capsule_response_signature")));
        NodeMessage decoded = NodeMessageCodec.decode(Message.decode(VECTORS.get("frame_capsule_response_id7"), WireLimits.DEFAULT).data(), L);
        assertThat(decoded.signatureValid()).isTrue();
        assertThat(decoded.payload()).usingRecursiveComparison().isEqualTo(response());
        assertThat(NodeIdentity.verify(KEY.publicKey(), decoded.signedBytes(), decoded.signature()))
                .as("not a signature over the bytes themselves").isFalse();
        byte[] body = NodeMessageCodec.encode(signed);
        byte[] altered = body.clone();
        int at = indexOf(altered, seq(64, 0));
        altered[at + 10] ^= 1;
        assertThat(NodeMessageCodec.decode(altered, L).signatureValid()).as("one window byte changed").isFalse();
    }

    static NodePayload.StorageAttestation attestation() {
        return NodePayload.StorageAttestation.sign(KEY, b32(0x40), b32(0x20), 7, 12L << 20, b32(7), 10, 123_456_789L,
                1_800_000_000_123L);
    }

    @Test
    void aStorageAttestationKeepsItsValidatorSignatureAndTheGoldenVectorHoldsIt() throws Exception {
        NodePayload.StorageAttestation a = attestation();
        assertThat(a.signatureValid()).isTrue();
        java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
        jdk.initVerify(java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(
                HexFormat.of().parseHex("302a300506032b6570032100" + HexFormat.of().formatHex(KEY.publicKey())))));
        jdk.update(a.signingBytes());
        assertThat(jdk.verify(a.signature())).as("the JDK's Ed25519 agrees").isTrue();
        assertThat(HexFormat.of().formatHex(a.signature())).isEqualTo(HexFormat.of().formatHex(VECTORS.get("storage_attestation_signature")));
        NodeMessage signed = NodeMessageCodec.sign(a, KEY, 1_800_000_000L, 1_800_000_000_000_003L, "testnet11");
        assertThat(HexFormat.of().formatHex(NodeMessageCodec.toMessage(signed, java.util.OptionalInt.empty()).encode()))
                .isEqualTo(HexFormat.of().formatHex(VECTORS.get("frame_storage_attestation")));
        NodeMessage decoded = NodeMessageCodec.decode(Message.decode(VECTORS.get("frame_storage_attestation"), WireLimits.DEFAULT).data(), L);
        assertThat(decoded.signatureValid()).isTrue();
        assertThat(decoded.payload()).usingRecursiveComparison().isEqualTo(a);
        NodePayload.StorageAttestation back = (NodePayload.StorageAttestation) decoded.payload();
        assertThat(back.signatureValid()).isTrue();
        NodePayload.StorageAttestation claimedPass = new NodePayload.StorageAttestation(back.validatorKey(), back.proverKey(),
                back.datastoreId(), back.version(), back.totalSize(), back.challengeId(), NodePayload.StorageAttestation.VALID, back.elapsedNanos(),
                back.atMillis(), back.signature());
        assertThat(claimedPass.signatureValid()).as("a failure turned into a pass").isFalse();
        assertThatThrownBy(() -> new NodePayload.StorageAttestation(b32(1), b32(2), b32(3), 1, 0, b32(4), 11, 0, 0, new byte[64]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static NodePayload.StorageReport report() {
        return new NodePayload.StorageReport(20_833, List.of(new NodePayload.ReportEntry(b32(0x20), 7, 12L << 20, 48),
                new NodePayload.ReportEntry(b32(0x40), 1, 5000, 1)), List.of(new NodePayload.ReportSample(1, 0, seq(40, 3)),
                new NodePayload.ReportSample(0, 47, new byte[0])));
    }

    @Test
    void aStorageReportRoundTripsAndTheGoldenVectorHoldsIt() {
        NodeMessage signed = NodeMessageCodec.sign(report(), KEY, 1_800_000_000L, 1_800_000_000_000_004L, "testnet11");
        assertThat(HexFormat.of().formatHex(NodeMessageCodec.toMessage(signed, java.util.OptionalInt.empty()).encode()))
                .isEqualTo(HexFormat.of().formatHex(VECTORS.get("frame_storage_report")));
        NodeMessage decoded = NodeMessageCodec.decode(Message.decode(VECTORS.get("frame_storage_report"), WireLimits.DEFAULT).data(), L);
        assertThat(decoded.signatureValid()).isTrue();
        assertThat(decoded.payload()).usingRecursiveComparison().isEqualTo(report());
        assertThatThrownBy(() -> new NodePayload.StorageReport(1, List.of(), List.of(new NodePayload.ReportSample(0, 0, new byte[0]))))
                .as("a sample of an entry that is not there").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedBodiesAreWireExceptions() throws IOException {
        byte[] good = NodeMessageCodec.encode(NodeMessageCodec.sign(request(), KEY, 5, 6, "n"));
        byte[] payload = payloadBytes(good);
        byte[] sig = new byte[64];
        assertThatThrownBy(() -> NodeMessageCodec.decode(good, new NodeMessageLimits(good.length - 1, 255, 64, 4096)))
                .isInstanceOf(WireException.class).hasMessageContaining("exceeds the limit");
        assertThatThrownBy(() -> NodeMessageCodec.decode(body(0, null, sig, 5, KEY.publicKey(), 6, "n"), L))
                .isInstanceOf(WireException.class).hasMessageContaining("no payload");
        byte[] twoPayloads = concat(body(3, payload, sig, 5, KEY.publicKey(), 6, "n"), field(2, payload));
        assertThatThrownBy(() -> NodeMessageCodec.decode(twoPayloads, L)).isInstanceOf(WireException.class).hasMessageContaining("second payload");
        assertThatThrownBy(() -> NodeMessageCodec.decode(body(3, payload, new byte[63], 5, KEY.publicKey(), 6, "n"), L))
                .isInstanceOf(WireException.class).hasMessageContaining("signature");
        assertThatThrownBy(() -> NodeMessageCodec.decode(body(3, payload, sig, 5, new byte[31], 6, "n"), L))
                .isInstanceOf(WireException.class).hasMessageContaining("sender_public_key");
        assertThatThrownBy(() -> NodeMessageCodec.decode(body(3, new byte[] {0x0a, 0x01, 0x00}, sig, 5, KEY.publicKey(), 6, "n"), L))
                .isInstanceOf(WireException.class).hasMessageContaining("datastore_id");
        assertThatThrownBy(() -> NodeMessageCodec.decode(body(3, new byte[] {0x0a, 0x7f}, sig, 5, KEY.publicKey(), 6, "n"), L))
                .isInstanceOf(WireException.class).hasMessageContaining("not valid protobuf");
        assertThatThrownBy(() -> NodeMessageCodec.decode(Arrays.copyOf(good, good.length - 1), L)).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> NodeMessageCodec.decode(body(3, payload, sig, 5, KEY.publicKey(), 6, "x".repeat(65)), L))
                .isInstanceOf(WireException.class).hasMessageContaining("network_id");
        byte[] tooManyCaps = payloadBytes(NodeMessageCodec.encode(NodeMessageCodec.sign(announcement(), KEY, 5, 6, "n")));
        assertThatThrownBy(() -> NodeMessageCodec.decode(body(1, tooManyCaps, sig, 5, KEY.publicKey(), 6, "n"), new NodeMessageLimits(1 << 20, 255, 1, 4096)))
                .isInstanceOf(WireException.class).hasMessageContaining("capabilities");
        // unknown groups nested 10 deep inside the payload: refused before the parser recurses further
        assertThatThrownBy(() -> NodeMessageCodec.decode(body(3, groups(10), sig, 5, KEY.publicKey(), 6, "n"), L))
                .isInstanceOf(WireException.class).hasMessageContaining("not valid protobuf");
        // a shallow unknown group is skipped (then the payload lacks its ids)
        assertThatThrownBy(() -> NodeMessageCodec.decode(body(3, groups(2), sig, 5, KEY.publicKey(), 6, "n"), L))
                .isInstanceOf(WireException.class).hasMessageContaining("datastore_id");
        // a response window outside its capsule is refused by the record, as a WireException
        byte[] badWindow = NodeMessageCodec.encode(NodeMessageCodec.sign(new NodePayload.CapsuleResponse(b32(1), 1, 0, 0, seq(10, 0), 10,
                b32(1), b32(2), List.of(), new byte[0], b32(3), 0), KEY, 5, 6, "n"));
        badWindow[indexOf(badWindow, new byte[] {0x58, 0x0a})+ 1] = 0x05; // stored_length 10 -> 5
        assertThatThrownBy(() -> NodeMessageCodec.decode(badWindow, L)).isInstanceOf(WireException.class).hasMessageContaining("invalid");
    }

    @Test
    void theOpcodeIsOutsideTheAssignedBand() {
        assertThat(DigMessageType.of(240)).contains(DigMessageType.DIG_NODE_MESSAGE);
        assertThat(NodeMessage.OPCODE).isEqualTo(240).isGreaterThan(DigMessageType.LAST);
        assertThat(DigMessageType.of(239)).isEmpty();
        assertThat(DigMessageType.of(226)).contains(DigMessageType.DISTRIBUTOR_ANNOUNCE);
    }

    // ---- hand-built bodies --------------------------------------------------------------------------

    /** The payload field's value inside an encoded body (the first length-delimited field 1..6). */
    static byte[] payloadBytes(byte[] body) throws IOException {
        com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(body);
        int tag = in.readTag();
        assertThat(tag >>> 3).isBetween(1, 6);
        return in.readByteArray();
    }

    static byte[] body(int field, byte[] payload, byte[] signature, long timestamp, byte[] sender, long sequence, String network)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        if (payload != null) {
            o.writeByteArray(field, payload);
        }
        o.writeByteArray(7, signature);
        o.writeUInt64(8, timestamp);
        o.writeByteArray(9, sender);
        o.writeUInt64(10, sequence);
        o.writeString(11, network);
        o.flush();
        return out.toByteArray();
    }

    /** {@code depth} unknown groups (field 100) nested inside each other, each closed properly. */
    private static byte[] groups(int depth) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        for (int i = 0; i < depth; i++) {
            o.writeTag(100, com.google.protobuf.WireFormat.WIRETYPE_START_GROUP);
        }
        for (int i = 0; i < depth; i++) {
            o.writeTag(100, com.google.protobuf.WireFormat.WIRETYPE_END_GROUP);
        }
        o.flush();
        return out.toByteArray();
    }

    private static byte[] field(int number, byte[] value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        o.writeByteArray(number, value);
        o.flush();
        return out.toByteArray();
    }

    private static byte[] withUnknownField(byte[] payload) throws IOException {
        return concat(payload, field(99, "from a later version".getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
