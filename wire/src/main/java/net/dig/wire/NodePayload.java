package net.dig.wire;

import java.util.List;
import java.util.Objects;
import net.dig.core.Bytes32;

/**
 * The one payload of a {@link NodeMessage} (the {@code oneof payload} of {@code DIGNodeMessage},
 * docs/formats/wire.md "Node messages"). Plain values: the protobuf classes stay inside
 * {@link NodeMessageCodec}. Byte arrays are copied in; callers must not change the arrays they read out.
 * Constructors check what a value needs to be meaningful (32-byte ids, ports, sizes); everything that needs
 * state (signatures, bindings, freshness) is the validator's.
 */
public sealed interface NodePayload {
    /** The protobuf field number of this payload inside {@code DIGNodeMessage} (1..6, extensions 12..15, 20 and 21..23), signed with it. */
    int fieldNumber();

    /** The node's HTTP API, where readers and other nodes fetch capsules. */
    record HttpEndpoint(String host, int port, String scheme) {
        public HttpEndpoint {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("port " + port + " is outside 0..65535");
            }
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("scheme must be http or https, not " + scheme);
            }
        }
    }

    /**
     * Binds the sender's Ed25519 key to its TLS PeerId both ways: the Ed25519 signature of the message
     * covers {@code tlsPeerId}, and {@code tlsBindingSignature} is by the TLS leaf key over
     * {@link TlsBinding#message} of the sender key.
     *
     * @param tlsPublicKey the TLS leaf's SubjectPublicKeyInfo (DER); {@code tlsPeerId} is its SHA-256
     */
    record NodeAnnouncement(Bytes32 tlsPeerId, byte[] tlsPublicKey, byte[] tlsBindingSignature, HttpEndpoint http,
            List<String> capabilities, long capacityTotalBytes, long capacityFreeBytes, String mode) implements NodePayload {
        public static final int FIELD = 1;

        public NodeAnnouncement {
            Objects.requireNonNull(tlsPeerId, "tlsPeerId");
            tlsPublicKey = tlsPublicKey.clone();
            tlsBindingSignature = tlsBindingSignature.clone();
            Objects.requireNonNull(http, "http");
            capabilities = List.copyOf(capabilities);
            Objects.requireNonNull(mode, "mode");
            if (capacityTotalBytes < 0 || capacityFreeBytes < 0 || capacityFreeBytes > capacityTotalBytes) {
                throw new IllegalArgumentException("capacity free " + Long.toUnsignedString(capacityFreeBytes) + " of total "
                        + Long.toUnsignedString(capacityTotalBytes) + " is not 0 <= free <= total");
            }
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * A datastore version the sender holds, with the owner-signed version record to check it by and the
     * datastore's name ({@code ""} when not given), which the record's signed name hash checks.
     */
    record DataStoreGossip(Bytes32 datastoreId, long version, Bytes32 merkleRoot, long capsuleCount, long totalSize,
            byte[] versionRecord, String name) implements NodePayload {
        public static final int FIELD = 2;

        public DataStoreGossip {
            Objects.requireNonNull(datastoreId, "datastoreId");
            Objects.requireNonNull(merkleRoot, "merkleRoot");
            Objects.requireNonNull(name, "name");
            versionRecord = versionRecord.clone();
        }

        /** Without a name. */
        public DataStoreGossip(Bytes32 datastoreId, long version, Bytes32 merkleRoot, long capsuleCount, long totalSize,
                byte[] versionRecord) {
            this(datastoreId, version, merkleRoot, capsuleCount, totalSize, versionRecord, "");
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * One window of one capsule's stored bytes: {@code [offset, offset + length)}, {@code length} 0 meaning
     * as much as {@code maxSize} allows; the answer never carries more than {@code maxSize} data bytes.
     *
     * @param requesterId the requester's Ed25519 public key
     */
    record CapsuleRequest(Bytes32 datastoreId, long version, int capsuleIndex, long offset, int length, int maxSize,
            Bytes32 requesterId, boolean withChunkHashes) implements NodePayload {
        public static final int FIELD = 3;

        public CapsuleRequest {
            Objects.requireNonNull(datastoreId, "datastoreId");
            Objects.requireNonNull(requesterId, "requesterId");
            if (capsuleIndex < 0 || offset < 0 || length < 0 || maxSize <= 0) {
                throw new IllegalArgumentException("capsule index, offset and length must be >= 0 and max size > 0");
            }
        }

        /** A request that wants the chunk hashes only at offset 0 (the specification's fields alone). */
        public CapsuleRequest(Bytes32 datastoreId, long version, int capsuleIndex, long offset, int length, int maxSize,
                Bytes32 requesterId) {
            this(datastoreId, version, capsuleIndex, offset, length, maxSize, requesterId, false);
        }

        /** Whether the answer carries the capsule's chunk hashes and leaf proof. */
        public boolean wantsChunkHashes() {
            return withChunkHashes || offset == 0;
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * One window of a capsule: {@code data} is the stored bytes from {@code offset} (encoded as
     * {@code compression} says), {@code storedLength} their total. The window at offset 0 (or any window
     * asked {@link CapsuleRequest#withChunkHashes}) also carries the capsule's chunk hashes (the prologue the
     * requester verifies the chunks against), empty elsewhere.
     *
     * @param leafProof the proof of {@code capsuleHash ‖ chunkRoot} to the datastore root (docs/architecture.md §4.1)
     * @param compression 0 none, 1 lz4, 2 zstd
     */
    record CapsuleResponse(Bytes32 datastoreId, long version, int capsuleIndex, long offset, byte[] data, long storedLength,
            Bytes32 capsuleHash, Bytes32 chunkRoot, List<Bytes32> chunkHashes, byte[] leafProof, Bytes32 plotId,
            int compression) implements NodePayload {
        public static final int FIELD = 4;

        public CapsuleResponse {
            Objects.requireNonNull(datastoreId, "datastoreId");
            Objects.requireNonNull(capsuleHash, "capsuleHash");
            Objects.requireNonNull(chunkRoot, "chunkRoot");
            Objects.requireNonNull(plotId, "plotId");
            data = data.clone();
            leafProof = leafProof.clone();
            chunkHashes = List.copyOf(chunkHashes);
            if (capsuleIndex < 0 || offset < 0 || storedLength < 0 || offset + data.length > storedLength) {
                throw new IllegalArgumentException("window [" + offset + ", +" + data.length + ") is not inside the stored "
                        + storedLength + " bytes");
            }
            if (compression < 0 || compression > 2) {
                throw new IllegalArgumentException("compression " + compression + " is not 0, 1 or 2");
            }
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * Prove holding chunk {@code chunkIndex} of capsule {@code capsuleIndex} by {@code respondBy} (Unix seconds);
     * with a {@code challengeType} (not empty), answer with the proof bundle of that type for the capsule instead.
     */
    record ValidationChallenge(Bytes32 challengeId, Bytes32 datastoreId, int capsuleIndex, int chunkIndex, Bytes32 nonce,
            long respondBy, String challengeType) implements NodePayload {
        public static final int FIELD = 5;

        public ValidationChallenge {
            Objects.requireNonNull(challengeId, "challengeId");
            Objects.requireNonNull(datastoreId, "datastoreId");
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(challengeType, "challengeType");
            if (capsuleIndex < 0 || chunkIndex < 0) {
                throw new IllegalArgumentException("capsule and chunk indexes must be >= 0");
            }
        }

        /** The seed's single-chunk challenge. */
        public ValidationChallenge(Bytes32 challengeId, Bytes32 datastoreId, int capsuleIndex, int chunkIndex, Bytes32 nonce,
                                   long respondBy) {
            this(challengeId, datastoreId, capsuleIndex, chunkIndex, nonce, respondBy, "");
        }

        /** Whether this challenge asks for a proof bundle. */
        public boolean wantsBundle() {
            return !challengeType.isEmpty();
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * The answer to a {@link ValidationChallenge}: the chunk, its proof to {@code chunkRoot}, and the proof
     * of {@code capsuleHash ‖ chunkRoot} to the datastore root.
     */
    record ProofResponse(Bytes32 challengeId, byte[] chunkData, byte[] chunkProof, Bytes32 capsuleHash, Bytes32 chunkRoot,
            byte[] leafProof, Bytes32 plotId, byte[] bundle) implements NodePayload {
        public static final int FIELD = 6;

        public ProofResponse {
            Objects.requireNonNull(challengeId, "challengeId");
            Objects.requireNonNull(capsuleHash, "capsuleHash");
            Objects.requireNonNull(chunkRoot, "chunkRoot");
            Objects.requireNonNull(plotId, "plotId");
            chunkData = chunkData.clone();
            chunkProof = chunkProof.clone();
            leafProof = leafProof.clone();
            bundle = bundle.clone();
        }

        /** The seed's single-chunk answer. */
        public ProofResponse(Bytes32 challengeId, byte[] chunkData, byte[] chunkProof, Bytes32 capsuleHash, Bytes32 chunkRoot,
                             byte[] leafProof, Bytes32 plotId) {
            this(challengeId, chunkData, chunkProof, capsuleHash, chunkRoot, leafProof, plotId, new byte[0]);
        }

        /** The answer to a bundle challenge: {@code bundle} (DIGB/1) for the capsule with {@code capsuleHash}. */
        public static ProofResponse ofBundle(Bytes32 challengeId, Bytes32 capsuleHash, Bytes32 plotId, byte[] bundle) {
            return new ProofResponse(challengeId, new byte[0], new byte[0], capsuleHash, Bytes32.ZERO, new byte[0], plotId, bundle);
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * The datastore's owner deletes it everywhere (docs/decisions.md D40d3): its Ed25519 owner key signs
     * {@code "dig:tombstone:v1" ‖ datastore_id ‖ u64 version ‖ u64 timestamp} ({@link #signingBytes}); a node
     * holding the datastore under that owner key, at that version or older, deletes it and forwards the
     * tombstone once. {@code version} is the newest version the owner deletes: a later one survives.
     */
    record DatastoreTombstone(Bytes32 datastoreId, long version, long timestamp, byte[] ownerPublicKey, byte[] ownerSignature)
            implements NodePayload {
        public static final int FIELD = 20;
        private static final byte[] TAG = "dig:tombstone:v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        public DatastoreTombstone {
            Objects.requireNonNull(datastoreId, "datastoreId");
            if (ownerPublicKey.length != 32 || ownerSignature.length != 64) {
                throw new IllegalArgumentException("a tombstone carries a 32-byte owner key and a 64-byte signature, not "
                        + ownerPublicKey.length + " and " + ownerSignature.length);
            }
            ownerPublicKey = ownerPublicKey.clone();
            ownerSignature = ownerSignature.clone();
        }

        /** The bytes the owner key signs. */
        public static byte[] signingBytes(Bytes32 datastoreId, long version, long timestamp) {
            return java.nio.ByteBuffer.allocate(TAG.length + 32 + 16).put(TAG).put(datastoreId.toArray()).putLong(version)
                    .putLong(timestamp).array();
        }

        /** A tombstone signed by {@code owner}. */
        public static DatastoreTombstone signed(Bytes32 datastoreId, long version, long timestamp, net.dig.core.NodeIdentity owner) {
            return new DatastoreTombstone(datastoreId, version, timestamp, owner.publicKey(),
                    owner.sign(signingBytes(datastoreId, version, timestamp)));
        }

        /** Whether {@code ownerSignature} is by {@code ownerPublicKey} over {@link #signingBytes}. */
        public boolean signatureValid() {
            return net.dig.core.NodeIdentity.verify(ownerPublicKey, signingBytes(datastoreId, version, timestamp), ownerSignature);
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * A request this node will not answer. {@code code} names a row of the service error table (its enum
     * name); a receiver maps an unknown name to its own "unavailable" and never reads {@code reason}.
     */
    record NodeRefusal(String code, String reason, long retryAfterMillis) implements NodePayload {
        public static final int FIELD = 12;

        public NodeRefusal {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
            if (retryAfterMillis < 0) {
                throw new IllegalArgumentException("retry_after_millis must not be negative");
            }
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /** Asks for the name and file table of version {@code version} of a datastore. */
    record MetadataRequest(Bytes32 datastoreId, long version) implements NodePayload {
        public static final int FIELD = 13;

        public MetadataRequest {
            Objects.requireNonNull(datastoreId, "datastoreId");
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /** One file of a datastore's file table: path, offset in the byte stream, length, SHA-256. */
    record FileRow(String path, long offset, long length, Bytes32 sha256) {
        public FileRow {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /** The name and file table of a datastore version, for the asker to check against the signed hashes. */
    record DatastoreMetadata(Bytes32 datastoreId, long version, String name, List<FileRow> files) implements NodePayload {
        public static final int FIELD = 14;

        public DatastoreMetadata {
            Objects.requireNonNull(datastoreId, "datastoreId");
            Objects.requireNonNull(name, "name");
            files = List.copyOf(files);
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * The answer to a {@link DataStoreGossip} sent as a request: {@code accepted}, or the error-table name
     * of why not in {@code reason}; {@code freeBytes} is the receiver's free space once it took the version,
     * {@code storedByMillis} when it expects to hold it (Unix millis).
     */
    record ReplicationReply(Bytes32 datastoreId, long version, boolean accepted, String reason, long freeBytes,
            long storedByMillis) implements NodePayload {
        public static final int FIELD = 15;

        public ReplicationReply {
            Objects.requireNonNull(datastoreId, "datastoreId");
            Objects.requireNonNull(reason, "reason");
            if (freeBytes < 0 || storedByMillis < 0) {
                throw new IllegalArgumentException("free_bytes and stored_by_millis must not be negative");
            }
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * A handle registration signed by the datastore's owner (docs/decisions.md D64a): it names
     * {@code datastoreId} (optionally one pinned Merkle root; none = follow the latest version) with
     * {@code label} from {@code registeredAt} to {@code expiresAt} (Unix seconds); a record with
     * {@code revoked} gives the label up from its {@code registeredAt}. Anyone checks it without the
     * datastore ({@link #ownerValid}): the id is {@code SHA-256(ownerPublicKey ‖ nonce)} and the owner key
     * signed {@link #signingBytes}, all integers big-endian:
     * <pre>
     *   size  field
     *   4     "DIGH"
     *   1     format version 2
     *   1     label length l, then l bytes ASCII label
     *   32    datastore id
     *   1     1 when a root is pinned, then 32 bytes root; else 0
     *   1     tier (1..6)
     *   8     registered_at (u64, Unix seconds)
     *   8     expires_at (u64, Unix seconds, after registered_at, at most 2 years later)
     *   1     revoked (0 or 1)
     *   1     metadata entry count n (at most 16), then n x (u16 key length, key UTF-8, u16 value length,
     *         value UTF-8), sorted by key; keys 1..64 characters of [a-z0-9_.-], values at most 256 bytes
     * </pre>
     * The record's id ({@link #id}) is the SHA-256 of those bytes.
     */
    record HandleRegistration(String label, Bytes32 datastoreId, byte[] ownerPublicKey, byte[] nonce,
            java.util.Optional<Bytes32> pinnedRoot, int tier, long registeredAt, long expiresAt, boolean revoked,
            java.util.SortedMap<String, String> metadata, byte[] ownerSignature) implements NodePayload {
        public static final int FIELD = 21;
        public static final long MAX_TERM_SECONDS = 2 * 366 * 24 * 3600L;
        /** How far a registration's time may be from the receiving node's clock when it arrives live (or by API). */
        public static final long MAX_SKEW_SECONDS = 300;
        public static final int MAX_METADATA = 16;
        private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[a-z0-9_.-]{1,64}");

        public HandleRegistration {
            HandleLabels.malformed(label).ifPresent(p -> {
                throw new IllegalArgumentException(p);
            });
            Objects.requireNonNull(datastoreId, "datastoreId");
            Objects.requireNonNull(pinnedRoot, "pinnedRoot");
            if (ownerPublicKey.length != 32 || nonce.length != 32 || ownerSignature.length != 64) {
                throw new IllegalArgumentException("a registration carries a 32-byte owner key, a 32-byte nonce and a 64-byte signature");
            }
            if (tier < 1 || tier > 6) {
                throw new IllegalArgumentException("tier must be within 1..6, got " + tier);
            }
            if (registeredAt < 0 || expiresAt <= registeredAt || expiresAt - registeredAt > MAX_TERM_SECONDS) {
                throw new IllegalArgumentException("expires_at must be after registered_at and at most 2 years later");
            }
            if (metadata.size() > MAX_METADATA) {
                throw new IllegalArgumentException("metadata may hold at most 16 entries, got " + metadata.size());
            }
            for (java.util.Map.Entry<String, String> e : metadata.entrySet()) {
                if (!KEY.matcher(e.getKey()).matches() || e.getValue() == null
                        || e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256) {
                    throw new IllegalArgumentException("metadata keys are 1..64 characters of [a-z0-9_.-], values at most 256 bytes");
                }
            }
            ownerPublicKey = ownerPublicKey.clone();
            nonce = nonce.clone();
            ownerSignature = ownerSignature.clone();
            metadata = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(metadata));
        }

        /** The bytes the owner signs (layout above). */
        public static byte[] signingBytes(String label, Bytes32 datastoreId, java.util.Optional<Bytes32> pinnedRoot, int tier,
                long registeredAt, long expiresAt, boolean revoked, java.util.SortedMap<String, String> metadata) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(new byte[] {'D', 'I', 'G', 'H', 2});
            byte[] l = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            out.write(l.length);
            out.writeBytes(l);
            out.writeBytes(datastoreId.toArray());
            out.write(pinnedRoot.isPresent() ? 1 : 0);
            pinnedRoot.ifPresent(r -> out.writeBytes(r.toArray()));
            out.write(tier);
            out.writeBytes(java.nio.ByteBuffer.allocate(16).putLong(registeredAt).putLong(expiresAt).array());
            out.write(revoked ? 1 : 0);
            out.write(metadata.size());
            for (java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(metadata).entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            return out.toByteArray();
        }

        private static void writeString(java.io.ByteArrayOutputStream out, String s) {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(b.length >>> 8);
            out.write(b.length);
            out.writeBytes(b);
        }

        public byte[] signingBytes() {
            return signingBytes(label, datastoreId, pinnedRoot, tier, registeredAt, expiresAt, revoked, metadata);
        }

        /** SHA-256 of {@link #signingBytes}: the record's identity and the namespace's tie-breaker. */
        public Bytes32 id() {
            return net.dig.core.Sha256.hash(signingBytes());
        }

        /** Whether the id derives from the owner key and nonce and the owner key signed the record. */
        public boolean ownerValid() {
            return net.dig.core.Sha256.hash(ownerPublicKey, nonce).equals(datastoreId)
                    && net.dig.core.NodeIdentity.verify(ownerPublicKey, signingBytes(), ownerSignature);
        }

        /** A registration signed by {@code owner} for the datastore whose nonce is {@code nonce}. */
        public static HandleRegistration signed(String label, byte[] nonce, java.util.Optional<Bytes32> pinnedRoot, int tier,
                long registeredAt, long expiresAt, boolean revoked, java.util.SortedMap<String, String> metadata,
                net.dig.core.NodeIdentity owner) {
            Bytes32 id = net.dig.core.Sha256.hash(owner.publicKey(), nonce);
            byte[] sig = owner.sign(signingBytes(label, id, pinnedRoot, tier, registeredAt, expiresAt, revoked, metadata));
            return new HandleRegistration(label, id, owner.publicKey(), nonce, pinnedRoot, tier, registeredAt, expiresAt,
                    revoked, metadata, sig);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HandleRegistration r && java.util.Arrays.equals(signingBytes(), r.signingBytes())
                    && java.util.Arrays.equals(ownerPublicKey, r.ownerPublicKey) && java.util.Arrays.equals(nonce, r.nonce)
                    && java.util.Arrays.equals(ownerSignature, r.ownerSignature);
        }

        @Override
        public int hashCode() {
            return id().hashCode();
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * A summary of the sender's handle records for anti-entropy: {@link #BUCKETS} buckets (a label's bucket is
     * the first byte of SHA-256(label), mod 64), each the SHA-256 of its record ids in ascending order, or 32
     * zero bytes when empty; {@code bucketHashes} is the 64 of them concatenated.
     */
    record HandleDigest(byte[] bucketHashes, long recordCount) implements NodePayload {
        public static final int FIELD = 22;
        public static final int BUCKETS = 64;

        public HandleDigest {
            if (bucketHashes.length != BUCKETS * 32 || recordCount < 0) {
                throw new IllegalArgumentException("a handle digest is " + BUCKETS + " hashes of 32 bytes and a count >= 0");
            }
            bucketHashes = bucketHashes.clone();
        }

        /** The bucket of {@code label}. */
        public static int bucketOf(String label) {
            return (net.dig.core.Sha256.hash(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray()[0] & 0xFF) % BUCKETS;
        }

        /** Bucket {@code b}'s hash. */
        public Bytes32 bucket(int b) {
            return Bytes32.wrap(java.util.Arrays.copyOfRange(bucketHashes, b * 32, b * 32 + 32));
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /** Handle records sent to a peer whose digest differed: at most {@link #MAX} in one message. */
    record HandleBatch(List<HandleRegistration> registrations) implements NodePayload {
        public static final int FIELD = 23;
        public static final int MAX = 64;

        public HandleBatch {
            registrations = List.copyOf(registrations);
            if (registrations.size() > MAX) {
                throw new IllegalArgumentException("a handle batch carries at most " + MAX + " registrations, not " + registrations.size());
            }
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * A validator's signed outcome of one storage challenge (docs/decisions.md D68b). {@code verdict} is the code of the
     * proof module's verdict (0 valid ... 10 late, listed in the proto file). The validator signs {@link #signingBytes}:
     * <pre>
     *   size  field
     *   18    "dig:attestation:v1" (ASCII)
     *   32    validator key
     *   32    prover key
     *   32    datastore id
     *   8     version (u64 big-endian)
     *   8     the version's total size in bytes, from its owner-signed record (u64 big-endian)
     *   32    challenge id
     *   1     verdict code
     *   8     elapsed nanoseconds, measured by the validator (u64 big-endian)
     *   8     Unix milliseconds of the outcome (u64 big-endian)
     * </pre>
     */
    record StorageAttestation(Bytes32 validatorKey, Bytes32 proverKey, Bytes32 datastoreId, long version, long totalSize,
            Bytes32 challengeId, int verdict, long elapsedNanos, long atMillis, byte[] signature) implements NodePayload {
        public static final int FIELD = 24;
        public static final int VALID = 0;
        public static final int MAX_VERDICT = 10;
        private static final byte[] DOMAIN = "dig:attestation:v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        public StorageAttestation {
            Objects.requireNonNull(validatorKey, "validatorKey");
            Objects.requireNonNull(proverKey, "proverKey");
            Objects.requireNonNull(datastoreId, "datastoreId");
            Objects.requireNonNull(challengeId, "challengeId");
            if (verdict < 0 || verdict > MAX_VERDICT || version < 0 || totalSize < 0 || elapsedNanos < 0 || atMillis < 0) {
                throw new IllegalArgumentException("an attestation's verdict is 0.." + MAX_VERDICT + " and its numbers >= 0");
            }
            if (signature.length != 64) {
                throw new IllegalArgumentException("an attestation carries a 64-byte signature");
            }
            signature = signature.clone();
        }

        /** The attestation of these facts signed by {@code validator}. */
        public static StorageAttestation sign(net.dig.core.NodeIdentity validator, Bytes32 proverKey, Bytes32 datastoreId,
                                              long version, long totalSize, Bytes32 challengeId, int verdict, long elapsedNanos,
                                              long atMillis) {
            Bytes32 key = Bytes32.wrap(validator.publicKey());
            byte[] bytes = signingBytes(key, proverKey, datastoreId, version, totalSize, challengeId, verdict, elapsedNanos, atMillis);
            return new StorageAttestation(key, proverKey, datastoreId, version, totalSize, challengeId, verdict, elapsedNanos,
                    atMillis, validator.sign(bytes));
        }

        public boolean passed() {
            return verdict == VALID;
        }

        public byte[] signingBytes() {
            return signingBytes(validatorKey, proverKey, datastoreId, version, totalSize, challengeId, verdict, elapsedNanos,
                    atMillis);
        }

        private static byte[] signingBytes(Bytes32 validatorKey, Bytes32 proverKey, Bytes32 datastoreId, long version,
                                           long totalSize, Bytes32 challengeId, int verdict, long elapsedNanos, long atMillis) {
            return java.nio.ByteBuffer.allocate(DOMAIN.length + 32 * 4 + 8 + 8 + 1 + 8 + 8).put(DOMAIN).put(validatorKey.toArray())
                    .put(proverKey.toArray()).put(datastoreId.toArray()).putLong(version).putLong(totalSize)
                    .put(challengeId.toArray()).put((byte) verdict).putLong(elapsedNanos).putLong(atMillis).array();
        }

        /** Whether the validator key signed these facts. */
        public boolean signatureValid() {
            return net.dig.core.NodeIdentity.verify(validatorKey.toArray(), signingBytes(), signature);
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /**
     * What the sender holds ({@code entries}, at most {@link #MAX_ENTRIES}) with proof bundles for samples a beacon
     * drew ({@code samples}, at most {@link #MAX_SAMPLES}); the draw is drawn in the proto file and in the service
     * that builds and checks reports (docs/decisions.md D69b).
     */
    record StorageReport(long epoch, List<ReportEntry> entries, List<ReportSample> samples) implements NodePayload {
        public static final int FIELD = 25;
        public static final int MAX_ENTRIES = 256;
        public static final int MAX_SAMPLES = 4;

        public StorageReport {
            entries = List.copyOf(entries);
            samples = List.copyOf(samples);
            if (epoch < 0 || entries.size() > MAX_ENTRIES || samples.size() > MAX_SAMPLES) {
                throw new IllegalArgumentException("a report has an epoch >= 0, at most " + MAX_ENTRIES + " entries and "
                        + MAX_SAMPLES + " samples");
            }
            for (ReportSample r : samples) {
                if (r.entry() >= entries.size()) {
                    throw new IllegalArgumentException("sample of entry " + r.entry() + " of " + entries.size());
                }
            }
        }

        @Override
        public int fieldNumber() {
            return FIELD;
        }
    }

    /** One datastore version a report claims. */
    record ReportEntry(Bytes32 datastoreId, long version, long totalSize, int capsuleCount) {
        public ReportEntry {
            Objects.requireNonNull(datastoreId, "datastoreId");
            if (version < 0 || totalSize < 0 || capsuleCount < 1) {
                throw new IllegalArgumentException("an entry has a version and size >= 0 and at least one capsule");
            }
        }
    }

    /** The proof of one drawn sample: entry, capsule and the DIGB/1 bundle (empty: not proven). */
    record ReportSample(int entry, int capsuleIndex, byte[] bundle) {
        public ReportSample {
            if (entry < 0 || capsuleIndex < 0) {
                throw new IllegalArgumentException("entry and capsule index must be >= 0");
            }
            bundle = bundle.clone();
        }
    }
}
