package net.dig.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.wire.pb.NodeMessageProto;

/**
 * Encodes, signs and decodes DIG node messages (opcode {@link NodeMessage#OPCODE}): protobuf
 * {@code dig.node.v1.DIGNodeMessage} ({@code src/main/protobuf/dig_node_message.proto}) as the whole body
 * of a {@link Message} envelope. The generated classes never leave this class; callers see
 * {@link NodeMessage} and {@link NodePayload}.
 *
 * <h2>What is signed</h2>
 * The node specification's {@code sign_message}: Ed25519 by the sender's node key over
 * {@code canonical bytes ‖ u64 BE timestamp}, where the canonical bytes are (big-endian):
 * <pre>
 *   size  field
 *   19    domain tag "dig:node-message:v1" (ASCII)
 *   1     payload field number (1 announcement .. 6 proof; extensions 12 refusal .. 15 replication reply, 20 tombstone, 21..23 handles)
 *   4     payload length n (u32)
 *   n     the payload field's bytes exactly as they travel (the embedded protobuf message)
 *   2     network id length m (u16), then m bytes UTF-8 network id
 *   32    sender Ed25519 public key (field 9)
 *   8     sequence (u64, field 10)
 * </pre>
 * then the 8-byte timestamp (field 8). The receiver builds these bytes from the payload bytes it received,
 * never from a re-serialisation, so protobuf's freedom of encoding (field order, unknown fields) inside the
 * payload cannot make a valid signature fail or an altered payload pass.
 *
 * <p>A capsule response (payload field 4, a window of up to a megabyte) is signed in its digest form
 * instead, so that signing and verifying hash the window once with SHA-256 rather than Ed25519 hashing it
 * twice with SHA-512 (and copying it):
 * <pre>
 *   19    domain tag "dig:node-message:v2" (ASCII)
 *   1     payload field number (4)
 *   4     payload length n (u32)
 *   32    SHA-256 of the payload field's bytes as they travel
 *   ...   the rest as above: network id, sender key, sequence, timestamp
 * </pre>
 * The form follows from the payload field alone; the tag differs, so a signature of one form never
 * verifies as the other.
 *
 * <h2>Encoding</h2>
 * Top-level fields in this order: the payload (one of 1..6, 12..15, 20 or 21..23, length-delimited), 7 signature, 8 timestamp,
 * 9 sender key, 10 sequence, 11 network id, each written even when zero or empty. Decoding takes them in
 * any order; a second payload field (same or other) is malformed, not merged as protobuf would; unknown
 * top-level fields are skipped and, being unsigned, never used.
 *
 * <h2>Failure modes</h2>
 * Every malformed input is a {@link WireException}: over {@link NodeMessageLimits#maxMessageBytes} (checked
 * before parsing), bad protobuf, nesting deeper than 4 (unknown groups included), missing payload, wrong sizes (32-byte keys and hashes, 64-byte signature),
 * strings or lists over their caps, values a record refuses. Stateless and thread-safe.
 */
public final class NodeMessageCodec {
    private static final byte[] TAG = "dig:node-message:v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DIGEST_TAG = "dig:node-message:v2".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_NETWORK_ID = 64;
    private static final int MAX_NESTING = 4;

    private NodeMessageCodec() {}

    /** Signs {@code payload} as this node: the message, ready for {@link #toMessage}. */
    public static NodeMessage sign(NodePayload payload, NodeIdentity key, long timestamp, long sequence, String networkId) {
        byte[] payloadBytes = payloadProto(payload).toByteArray();
        Bytes32 sender = Bytes32.wrap(key.publicKey());
        byte[] signed = signedBytes(payload.fieldNumber(), payloadBytes, networkId, sender, sequence, timestamp);
        return new NodeMessage(payload, timestamp, sender, sequence, networkId, key.sign(signatureInput(signed)), signed);
    }

    /** What the signature covers, given the canonical bytes: themselves, or for a capsule response their digest form. */
    static byte[] signatureInput(byte[] canonical) {
        if (canonical.length < TAG.length + 5 || canonical[TAG.length] != NodePayload.CapsuleResponse.FIELD) {
            return canonical;
        }
        int n = ByteBuffer.wrap(canonical, TAG.length + 1, 4).getInt();
        int payloadAt = TAG.length + 5;
        MessageDigest digest = Sha256.newDigest();
        digest.update(canonical, payloadAt, n);
        int rest = canonical.length - payloadAt - n;
        return ByteBuffer.allocate(DIGEST_TAG.length + 5 + 32 + rest).put(DIGEST_TAG).put(canonical, TAG.length, 5)
                .put(digest.digest()).put(canonical, payloadAt + n, rest).array();
    }

    /** The protobuf body; the payload bytes are the ones signed (taken from {@link NodeMessage#signedBytes}). */
    public static byte[] encode(NodeMessage m) {
        byte[] signed = m.signedBytes();
        int field = signed[TAG.length];
        int n = ByteBuffer.wrap(signed, TAG.length + 1, 4).getInt();
        byte[] payloadBytes = Arrays.copyOfRange(signed, TAG.length + 5, TAG.length + 5 + n);
        byte[] network = m.networkId().getBytes(StandardCharsets.UTF_8);
        int size = CodedOutputStream.computeByteArraySize(field, payloadBytes)
                + CodedOutputStream.computeByteArraySize(7, m.signature())
                + CodedOutputStream.computeUInt64Size(8, m.timestamp())
                + CodedOutputStream.computeByteArraySize(9, m.senderKey().toArray())
                + CodedOutputStream.computeUInt64Size(10, m.sequence())
                + CodedOutputStream.computeByteArraySize(11, network);
        byte[] out = new byte[size];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            o.writeByteArray(field, payloadBytes);
            o.writeByteArray(7, m.signature());
            o.writeUInt64(8, m.timestamp());
            o.writeByteArray(9, m.senderKey().toArray());
            o.writeUInt64(10, m.sequence());
            o.writeByteArray(11, network);
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The envelope without a request id (one-hop messages: announcements, gossip). */
    public static Message toMessage(NodeMessage m) {
        return Message.of(NodeMessage.OPCODE, encode(m));
    }

    /** The envelope with request id {@code id} (requests and their answers). */
    public static Message toMessage(NodeMessage m, OptionalInt id) {
        return id.isPresent() ? Message.of(NodeMessage.OPCODE, id.getAsInt(), encode(m)) : toMessage(m);
    }

    /**
     * The payload field number of an opcode-240 body (1..6, 12..15, 20, 21..23), read by skipping the other top-level fields
     * without parsing any payload; 0 when there is none or the body is not protobuf. For handlers that want
     * one payload type and must not decode every other (capsule answers are up to 1 MiB).
     */
    public static int payloadField(byte[] body) {
        CodedInputStream in = CodedInputStream.newInstance(body);
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int number = WireFormat.getTagFieldNumber(tag);
                if (isPayload(number) && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    return number;
                }
                in.skipField(tag);
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    /** Decodes the body of an opcode-240 frame; the signature is not checked here ({@link NodeMessage#signatureValid}). */
    public static NodeMessage decode(byte[] body, NodeMessageLimits limits) {
        if (body.length > limits.maxMessageBytes()) {
            throw new WireException("node message of " + body.length + " bytes exceeds the limit " + limits.maxMessageBytes());
        }
        CodedInputStream in = CodedInputStream.newInstance(body);
        int field = 0;
        byte[] payloadBytes = null;
        byte[] signature = new byte[0];
        byte[] sender = new byte[0];
        long timestamp = 0;
        long sequence = 0;
        String networkId = "";
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int number = WireFormat.getTagFieldNumber(tag);
                int type = WireFormat.getTagWireType(tag);
                boolean lengthDelimited = type == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                boolean varint = type == WireFormat.WIRETYPE_VARINT;
                if (isPayload(number) && lengthDelimited) {
                    if (payloadBytes != null) {
                        throw new WireException("node message carries a second payload (field " + number + ")", in.getTotalBytesRead());
                    }
                    field = number;
                    payloadBytes = in.readByteArray();
                } else if (number == 7 && lengthDelimited) {
                    signature = in.readByteArray();
                } else if (number == 8 && varint) {
                    timestamp = in.readUInt64();
                } else if (number == 9 && lengthDelimited) {
                    sender = in.readByteArray();
                } else if (number == 10 && varint) {
                    sequence = in.readUInt64();
                } else if (number == 11 && lengthDelimited) {
                    networkId = string(in.readBytes(), Math.min(MAX_NETWORK_ID, limits.maxStringBytes()), "network_id");
                } else if (number <= 11 || isPayload(number)) {
                    throw new WireException("node message field " + number + " has wire type " + type, in.getTotalBytesRead());
                } else {
                    in.skipField(tag);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new WireException("node message is not valid protobuf: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (payloadBytes == null) {
            throw new WireException("node message has no payload");
        }
        if (signature.length != 64) {
            throw new WireException("node message signature is " + signature.length + " bytes, not 64");
        }
        Bytes32 senderKey = bytes32(ByteString.copyFrom(sender), "sender_public_key");
        NodePayload payload;
        try {
            payload = payload(field, payloadBytes, limits);
        } catch (InvalidProtocolBufferException e) {
            throw new WireException("node message payload " + field + " is not valid protobuf: " + e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new WireException("node message payload " + field + " is invalid: " + e.getMessage());
        }
        return new NodeMessage(payload, timestamp, senderKey, sequence, networkId, signature,
                signedBytes(field, payloadBytes, networkId, senderKey, sequence, timestamp));
    }

    /** The payload fields: the specification's 1..6 and this project's 12..15, 20 and 21..25. */
    private static boolean isPayload(int number) {
        return number >= 1 && number <= 6 || number >= NodePayload.NodeRefusal.FIELD && number <= NodePayload.ReplicationReply.FIELD
                || number == NodePayload.DatastoreTombstone.FIELD
                || number >= NodePayload.HandleRegistration.FIELD && number <= NodePayload.StorageReport.FIELD;
    }

    private static byte[] signedBytes(int field, byte[] payload, String networkId, Bytes32 sender, long sequence, long timestamp) {
        byte[] network = networkId.getBytes(StandardCharsets.UTF_8);
        if (network.length > MAX_NETWORK_ID) {
            throw new WireException("network id of " + network.length + " bytes exceeds " + MAX_NETWORK_ID);
        }
        ByteBuffer b = ByteBuffer.allocate(TAG.length + 1 + 4 + payload.length + 2 + network.length + 32 + 8 + 8);
        b.put(TAG).put((byte) field).putInt(payload.length).put(payload).putShort((short) network.length).put(network);
        sender.writeTo(b);
        b.putLong(sequence).putLong(timestamp);
        return b.array();
    }

    // ---- records <-> generated classes ----------------------------------------------------------------

    private static com.google.protobuf.MessageLite payloadProto(NodePayload payload) {
        return switch (payload) {
            case NodePayload.NodeAnnouncement a -> NodeMessageProto.NodeAnnouncement.newBuilder()
                    .setTlsPeerId(bytes(a.tlsPeerId())).setTlsPublicKey(ByteString.copyFrom(a.tlsPublicKey()))
                    .setTlsBindingSignature(ByteString.copyFrom(a.tlsBindingSignature()))
                    .setHttp(NodeMessageProto.HttpEndpoint.newBuilder().setHost(a.http().host()).setPort(a.http().port())
                            .setScheme(a.http().scheme()))
                    .addAllCapabilities(a.capabilities()).setCapacityTotalBytes(a.capacityTotalBytes())
                    .setCapacityFreeBytes(a.capacityFreeBytes()).setMode(a.mode()).build();
            case NodePayload.DataStoreGossip g -> NodeMessageProto.DataStoreGossip.newBuilder()
                    .setDatastoreId(bytes(g.datastoreId())).setVersion(g.version()).setMerkleRoot(bytes(g.merkleRoot()))
                    .setCapsuleCount(g.capsuleCount()).setTotalSize(g.totalSize())
                    .setVersionRecord(ByteString.copyFrom(g.versionRecord())).setName(g.name()).build();
            case NodePayload.CapsuleRequest r -> NodeMessageProto.CapsuleRequest.newBuilder()
                    .setDatastoreId(bytes(r.datastoreId())).setCapsuleIndex(r.capsuleIndex())
                    .setRequesterId(bytes(r.requesterId())).setMaxSize(r.maxSize()).setVersion(r.version())
                    .setOffset(r.offset()).setLength(r.length()).setWithChunkHashes(r.withChunkHashes()).build();
            case NodePayload.CapsuleResponse r -> {
                ByteBuffer hashes = ByteBuffer.allocate(32 * r.chunkHashes().size());
                r.chunkHashes().forEach(h -> h.writeTo(hashes));
                yield NodeMessageProto.CapsuleResponse.newBuilder()
                        .setCapsuleData(ByteString.copyFrom(r.data())).setMerkleProof(ByteString.copyFrom(r.leafProof()))
                        .setPlotId(bytes(r.plotId())).setCompression(r.compression()).setDatastoreId(bytes(r.datastoreId()))
                        .setCapsuleIndex(r.capsuleIndex()).setOffset(r.offset()).setCapsuleHash(bytes(r.capsuleHash()))
                        .setChunkRoot(bytes(r.chunkRoot())).setChunkHashes(ByteString.copyFrom(hashes.array()))
                        .setStoredLength(r.storedLength()).setVersion(r.version()).build();
            }
            case NodePayload.ValidationChallenge c -> NodeMessageProto.ValidationChallenge.newBuilder()
                    .setChallengeId(bytes(c.challengeId())).setDatastoreId(bytes(c.datastoreId()))
                    .setCapsuleIndex(c.capsuleIndex()).setChunkIndex(c.chunkIndex()).setNonce(bytes(c.nonce()))
                    .setRespondBy(c.respondBy()).setChallengeType(c.challengeType()).build();
            case NodePayload.ProofResponse p -> NodeMessageProto.ProofResponse.newBuilder()
                    .setChallengeId(bytes(p.challengeId())).setChunkData(ByteString.copyFrom(p.chunkData()))
                    .setChunkProof(ByteString.copyFrom(p.chunkProof())).setCapsuleHash(bytes(p.capsuleHash()))
                    .setChunkRoot(bytes(p.chunkRoot())).setLeafProof(ByteString.copyFrom(p.leafProof()))
                    .setPlotId(bytes(p.plotId())).setBundle(ByteString.copyFrom(p.bundle())).build();
            case NodePayload.DatastoreTombstone t -> NodeMessageProto.DatastoreTombstone.newBuilder()
                    .setDatastoreId(bytes(t.datastoreId())).setVersion(t.version()).setTimestamp(t.timestamp())
                    .setOwnerPublicKey(ByteString.copyFrom(t.ownerPublicKey()))
                    .setOwnerSignature(ByteString.copyFrom(t.ownerSignature())).build();
            case NodePayload.NodeRefusal r -> NodeMessageProto.NodeRefusal.newBuilder().setCode(r.code()).setReason(r.reason())
                    .setRetryAfterMillis(r.retryAfterMillis()).build();
            case NodePayload.MetadataRequest r -> NodeMessageProto.MetadataRequest.newBuilder()
                    .setDatastoreId(bytes(r.datastoreId())).setVersion(r.version()).build();
            case NodePayload.DatastoreMetadata m -> {
                NodeMessageProto.DatastoreMetadata.Builder b = NodeMessageProto.DatastoreMetadata.newBuilder()
                        .setDatastoreId(bytes(m.datastoreId())).setVersion(m.version()).setName(m.name());
                for (NodePayload.FileRow f : m.files()) {
                    b.addFiles(NodeMessageProto.FileRow.newBuilder().setPath(f.path()).setOffset(f.offset()).setLength(f.length())
                            .setSha256(bytes(f.sha256())));
                }
                yield b.build();
            }
            case NodePayload.HandleRegistration r -> handleProto(r);
            case NodePayload.HandleDigest d -> NodeMessageProto.HandleDigest.newBuilder()
                    .setBucketHashes(ByteString.copyFrom(d.bucketHashes())).setRecordCount(d.recordCount()).build();
            case NodePayload.StorageReport r -> {
                NodeMessageProto.StorageReport.Builder b = NodeMessageProto.StorageReport.newBuilder().setEpoch(r.epoch());
                for (NodePayload.ReportEntry e : r.entries()) {
                    b.addEntries(NodeMessageProto.ReportEntry.newBuilder().setDatastoreId(bytes(e.datastoreId()))
                            .setVersion(e.version()).setTotalSize(e.totalSize()).setCapsuleCount(e.capsuleCount()));
                }
                for (NodePayload.ReportSample x : r.samples()) {
                    b.addSamples(NodeMessageProto.ReportSample.newBuilder().setEntry(x.entry()).setCapsuleIndex(x.capsuleIndex())
                            .setBundle(ByteString.copyFrom(x.bundle())));
                }
                yield b.build();
            }
            case NodePayload.StorageAttestation a -> NodeMessageProto.StorageAttestation.newBuilder()
                    .setValidatorKey(bytes(a.validatorKey())).setProverKey(bytes(a.proverKey()))
                    .setDatastoreId(bytes(a.datastoreId())).setVersion(a.version()).setTotalSize(a.totalSize())
                    .setChallengeId(bytes(a.challengeId()))
                    .setVerdict(a.verdict()).setElapsedNanos(a.elapsedNanos()).setAtMillis(a.atMillis())
                    .setSignature(ByteString.copyFrom(a.signature())).build();
            case NodePayload.HandleBatch b -> NodeMessageProto.HandleBatch.newBuilder()
                    .addAllRegistrations(b.registrations().stream().map(NodeMessageCodec::handleProto).toList()).build();
            case NodePayload.ReplicationReply r -> NodeMessageProto.ReplicationReply.newBuilder()
                    .setDatastoreId(bytes(r.datastoreId())).setVersion(r.version()).setAccepted(r.accepted())
                    .setReason(r.reason()).setFreeBytes(r.freeBytes()).setStoredByMillis(r.storedByMillis()).build();
        };
    }

    private static NodePayload payload(int field, byte[] bytes, NodeMessageLimits limits) throws InvalidProtocolBufferException {
        int maxString = limits.maxStringBytes();
        return switch (field) {
            case NodePayload.NodeAnnouncement.FIELD -> {
                NodeMessageProto.NodeAnnouncement a = NodeMessageProto.NodeAnnouncement.parser().parseFrom(nested(bytes));
                if (a.getCapabilitiesCount() > limits.maxCapabilities()) {
                    throw new WireException(a.getCapabilitiesCount() + " capabilities exceed the limit " + limits.maxCapabilities());
                }
                List<String> caps = new ArrayList<>();
                for (ByteString c : a.getCapabilitiesList().asByteStringList()) {
                    caps.add(string(c, maxString, "capability"));
                }
                NodeMessageProto.HttpEndpoint h = a.getHttp();
                yield new NodePayload.NodeAnnouncement(bytes32(a.getTlsPeerId(), "tls_peer_id"), a.getTlsPublicKey().toByteArray(),
                        a.getTlsBindingSignature().toByteArray(),
                        new NodePayload.HttpEndpoint(string(h.getHostBytes(), maxString, "host"), h.getPort(),
                                string(h.getSchemeBytes(), maxString, "scheme")),
                        caps, a.getCapacityTotalBytes(), a.getCapacityFreeBytes(), string(a.getModeBytes(), maxString, "mode"));
            }
            case NodePayload.DataStoreGossip.FIELD -> {
                NodeMessageProto.DataStoreGossip g = NodeMessageProto.DataStoreGossip.parser().parseFrom(nested(bytes));
                yield new NodePayload.DataStoreGossip(bytes32(g.getDatastoreId(), "datastore_id"), g.getVersion(),
                        bytes32(g.getMerkleRoot(), "merkle_root"), g.getCapsuleCount(), g.getTotalSize(),
                        g.getVersionRecord().toByteArray(), string(g.getNameBytes(), 4 * maxString, "name"));
            }
            case NodePayload.CapsuleRequest.FIELD -> {
                NodeMessageProto.CapsuleRequest r = NodeMessageProto.CapsuleRequest.parser().parseFrom(nested(bytes));
                yield new NodePayload.CapsuleRequest(bytes32(r.getDatastoreId(), "datastore_id"), r.getVersion(),
                        r.getCapsuleIndex(), r.getOffset(), r.getLength(), r.getMaxSize(), bytes32(r.getRequesterId(), "requester_id"),
                        r.getWithChunkHashes());
            }
            case NodePayload.CapsuleResponse.FIELD -> {
                NodeMessageProto.CapsuleResponse r = NodeMessageProto.CapsuleResponse.parser().parseFrom(nested(bytes));
                ByteString hashes = r.getChunkHashes();
                if (hashes.size() % 32 != 0 || hashes.size() / 32 > limits.maxChunkHashes()) {
                    throw new WireException("chunk_hashes of " + hashes.size() + " bytes is not at most "
                            + limits.maxChunkHashes() + " 32-byte hashes");
                }
                List<Bytes32> chunkHashes = new ArrayList<>(hashes.size() / 32);
                for (int i = 0; i < hashes.size(); i += 32) {
                    chunkHashes.add(bytes32(hashes.substring(i, i + 32), "chunk hash"));
                }
                yield new NodePayload.CapsuleResponse(bytes32(r.getDatastoreId(), "datastore_id"), r.getVersion(),
                        r.getCapsuleIndex(), r.getOffset(), r.getCapsuleData().toByteArray(), r.getStoredLength(),
                        bytes32(r.getCapsuleHash(), "capsule_hash"), bytes32(r.getChunkRoot(), "chunk_root"), chunkHashes,
                        r.getMerkleProof().toByteArray(), bytes32(r.getPlotId(), "plot_id"), r.getCompression());
            }
            case NodePayload.ValidationChallenge.FIELD -> {
                NodeMessageProto.ValidationChallenge c = NodeMessageProto.ValidationChallenge.parser().parseFrom(nested(bytes));
                yield new NodePayload.ValidationChallenge(bytes32(c.getChallengeId(), "challenge_id"),
                        bytes32(c.getDatastoreId(), "datastore_id"), c.getCapsuleIndex(), c.getChunkIndex(),
                        bytes32(c.getNonce(), "nonce"), c.getRespondBy(), string(c.getChallengeTypeBytes(), maxString, "challenge_type"));
            }
            case NodePayload.ProofResponse.FIELD -> {
                NodeMessageProto.ProofResponse p = NodeMessageProto.ProofResponse.parser().parseFrom(nested(bytes));
                yield new NodePayload.ProofResponse(bytes32(p.getChallengeId(), "challenge_id"), p.getChunkData().toByteArray(),
                        p.getChunkProof().toByteArray(), bytes32(p.getCapsuleHash(), "capsule_hash"),
                        bytes32(p.getChunkRoot(), "chunk_root"), p.getLeafProof().toByteArray(), bytes32(p.getPlotId(), "plot_id"),
                        p.getBundle().toByteArray());
            }
            case NodePayload.DatastoreTombstone.FIELD -> {
                NodeMessageProto.DatastoreTombstone t = NodeMessageProto.DatastoreTombstone.parser().parseFrom(nested(bytes));
                yield new NodePayload.DatastoreTombstone(bytes32(t.getDatastoreId(), "datastore_id"), t.getVersion(),
                        t.getTimestamp(), t.getOwnerPublicKey().toByteArray(), t.getOwnerSignature().toByteArray());
            }
            case NodePayload.NodeRefusal.FIELD -> {
                NodeMessageProto.NodeRefusal r = NodeMessageProto.NodeRefusal.parser().parseFrom(nested(bytes));
                yield new NodePayload.NodeRefusal(string(r.getCodeBytes(), maxString, "code"),
                        string(r.getReasonBytes(), 4 * maxString, "reason"), r.getRetryAfterMillis());
            }
            case NodePayload.MetadataRequest.FIELD -> {
                NodeMessageProto.MetadataRequest r = NodeMessageProto.MetadataRequest.parser().parseFrom(nested(bytes));
                yield new NodePayload.MetadataRequest(bytes32(r.getDatastoreId(), "datastore_id"), r.getVersion());
            }
            case NodePayload.DatastoreMetadata.FIELD -> {
                NodeMessageProto.DatastoreMetadata m = NodeMessageProto.DatastoreMetadata.parser().parseFrom(nested(bytes));
                List<NodePayload.FileRow> files = new ArrayList<>(m.getFilesCount());
                for (NodeMessageProto.FileRow f : m.getFilesList()) {
                    files.add(new NodePayload.FileRow(string(f.getPathBytes(), 4096, "path"), f.getOffset(), f.getLength(),
                            bytes32(f.getSha256(), "sha256")));
                }
                yield new NodePayload.DatastoreMetadata(bytes32(m.getDatastoreId(), "datastore_id"), m.getVersion(),
                        string(m.getNameBytes(), 4 * maxString, "name"), files);
            }
            case NodePayload.ReplicationReply.FIELD -> {
                NodeMessageProto.ReplicationReply r = NodeMessageProto.ReplicationReply.parser().parseFrom(nested(bytes));
                yield new NodePayload.ReplicationReply(bytes32(r.getDatastoreId(), "datastore_id"), r.getVersion(), r.getAccepted(),
                        string(r.getReasonBytes(), maxString, "reason"), r.getFreeBytes(), r.getStoredByMillis());
            }
            case NodePayload.HandleRegistration.FIELD ->
                    handle(NodeMessageProto.HandleRegistration.parser().parseFrom(nested(bytes)), maxString);
            case NodePayload.HandleDigest.FIELD -> {
                NodeMessageProto.HandleDigest d = NodeMessageProto.HandleDigest.parser().parseFrom(nested(bytes));
                yield new NodePayload.HandleDigest(d.getBucketHashes().toByteArray(), d.getRecordCount());
            }
            case NodePayload.StorageReport.FIELD -> {
                NodeMessageProto.StorageReport r = NodeMessageProto.StorageReport.parser().parseFrom(nested(bytes));
                if (r.getEntriesCount() > NodePayload.StorageReport.MAX_ENTRIES
                        || r.getSamplesCount() > NodePayload.StorageReport.MAX_SAMPLES) {
                    throw new WireException("a report of " + r.getEntriesCount() + " entries and " + r.getSamplesCount()
                            + " samples exceeds the limits");
                }
                List<NodePayload.ReportEntry> entries = new ArrayList<>();
                for (NodeMessageProto.ReportEntry e : r.getEntriesList()) {
                    entries.add(new NodePayload.ReportEntry(bytes32(e.getDatastoreId(), "datastore_id"), e.getVersion(),
                            e.getTotalSize(), e.getCapsuleCount()));
                }
                List<NodePayload.ReportSample> samples = new ArrayList<>();
                for (NodeMessageProto.ReportSample x : r.getSamplesList()) {
                    samples.add(new NodePayload.ReportSample(x.getEntry(), x.getCapsuleIndex(), x.getBundle().toByteArray()));
                }
                yield new NodePayload.StorageReport(r.getEpoch(), entries, samples);
            }
            case NodePayload.StorageAttestation.FIELD -> {
                NodeMessageProto.StorageAttestation a = NodeMessageProto.StorageAttestation.parser().parseFrom(nested(bytes));
                yield new NodePayload.StorageAttestation(bytes32(a.getValidatorKey(), "validator_key"),
                        bytes32(a.getProverKey(), "prover_key"), bytes32(a.getDatastoreId(), "datastore_id"), a.getVersion(),
                        a.getTotalSize(), bytes32(a.getChallengeId(), "challenge_id"), a.getVerdict(), a.getElapsedNanos(), a.getAtMillis(),
                        a.getSignature().toByteArray());
            }
            case NodePayload.HandleBatch.FIELD -> {
                NodeMessageProto.HandleBatch b = NodeMessageProto.HandleBatch.parser().parseFrom(nested(bytes));
                if (b.getRegistrationsCount() > NodePayload.HandleBatch.MAX) {
                    throw new WireException(b.getRegistrationsCount() + " registrations exceed " + NodePayload.HandleBatch.MAX);
                }
                List<NodePayload.HandleRegistration> regs = new ArrayList<>(b.getRegistrationsCount());
                for (NodeMessageProto.HandleRegistration r : b.getRegistrationsList()) {
                    regs.add(handle(r, maxString));
                }
                yield new NodePayload.HandleBatch(regs);
            }
            default -> throw new WireException("unknown node message payload field " + field);
        };
    }

    /** One handle record on its own, as field 21 carries it (for storing it as received). */
    public static byte[] encodeHandle(NodePayload.HandleRegistration r) {
        return handleProto(r).toByteArray();
    }

    /** The inverse of {@link #encodeHandle}; malformed bytes are a {@link WireException}. */
    public static NodePayload.HandleRegistration decodeHandle(byte[] bytes) {
        try {
            return handle(NodeMessageProto.HandleRegistration.parser().parseFrom(nested(bytes)), NodeMessageLimits.DEFAULT.maxStringBytes());
        } catch (InvalidProtocolBufferException e) {
            throw new WireException("handle record is not valid protobuf: " + e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new WireException("handle record is invalid: " + e.getMessage());
        }
    }

    private static NodeMessageProto.HandleRegistration handleProto(NodePayload.HandleRegistration r) {
        NodeMessageProto.HandleRegistration.Builder b = NodeMessageProto.HandleRegistration.newBuilder().setLabel(r.label())
                .setDatastoreId(bytes(r.datastoreId())).setOwnerPublicKey(ByteString.copyFrom(r.ownerPublicKey()))
                .setNonce(ByteString.copyFrom(r.nonce())).setTier(r.tier()).setRegisteredAt(r.registeredAt())
                .setExpiresAt(r.expiresAt()).setRevoked(r.revoked()).setOwnerSignature(ByteString.copyFrom(r.ownerSignature()));
        r.pinnedRoot().ifPresent(root -> b.setPinnedRoot(bytes(root)));
        r.metadata().forEach((k, v) -> b.addMetadata(NodeMessageProto.MetadataEntry.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }

    private static NodePayload.HandleRegistration handle(NodeMessageProto.HandleRegistration r, int maxString) {
        if (r.getMetadataCount() > NodePayload.HandleRegistration.MAX_METADATA) {
            throw new WireException(r.getMetadataCount() + " metadata entries exceed " + NodePayload.HandleRegistration.MAX_METADATA);
        }
        java.util.TreeMap<String, String> metadata = new java.util.TreeMap<>();
        for (NodeMessageProto.MetadataEntry e : r.getMetadataList()) {
            if (metadata.put(string(e.getKeyBytes(), 64, "metadata key"), string(e.getValueBytes(), 256, "metadata value")) != null) {
                throw new WireException("metadata key " + e.getKey() + " appears twice");
            }
        }
        java.util.Optional<Bytes32> root = r.getPinnedRoot().isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(bytes32(r.getPinnedRoot(), "pinned_root"));
        if (Integer.toUnsignedLong(r.getTier()) > 6) {
            throw new WireException("tier " + Integer.toUnsignedString(r.getTier()) + " is not 1..6");
        }
        return new NodePayload.HandleRegistration(string(r.getLabelBytes(), Math.min(63, maxString), "label"),
                bytes32(r.getDatastoreId(), "datastore_id"), r.getOwnerPublicKey().toByteArray(), r.getNonce().toByteArray(), root,
                r.getTier(), r.getRegisteredAt(), r.getExpiresAt(), r.getRevoked(), metadata, r.getOwnerSignature().toByteArray());
    }

    /** A parser input that refuses nesting deeper than the schema's (a payload holds at most one level). */
    private static CodedInputStream nested(byte[] bytes) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(MAX_NESTING);
        return in;
    }

    private static ByteString bytes(Bytes32 value) {
        return ByteString.copyFrom(value.toArray());
    }

    private static Bytes32 bytes32(ByteString value, String name) {
        if (value.size() != 32) {
            throw new WireException(name + " is " + value.size() + " bytes, not 32");
        }
        return Bytes32.wrap(value.toByteArray());
    }

    private static String string(ByteString value, int max, String name) {
        if (value.size() > max) {
            throw new WireException(name + " of " + value.size() + " bytes exceeds the limit " + max);
        }
        if (!value.isValidUtf8()) {
            throw new WireException(name + " is not UTF-8");
        }
        return value.toStringUtf8();
    }
}
