package net.dig.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;

/**
 * One signed version of a datastore (docs/architecture.md §4.2). Nodes accept a version only with a valid owner
 * signature and a version number above the one they hold.
 *
 * <p>{@link #signingBytes()}, the exact bytes the owner signs (232 bytes, big-endian, layout 2):
 * <pre>
 *   offset  size  field
 *   0       4     magic "DIGV" (0x44494756)
 *   4       4     layout version u32 = 2
 *   8       32    datastore_id = SHA256(owner public key || nonce)
 *   40      32    nonce (32 random bytes chosen when the datastore was created)
 *   72      8     version u64 (1 for a new datastore)
 *   80      32    merkle_root
 *   112     4     capsule_count u32
 *   116     8     total_size u64 (bytes)
 *   124     4     capsule_size u32 (bytes)
 *   128     8     creation_time u64 (Unix seconds)
 *   136     32    name_sha256 = SHA256(UTF-8 name)
 *   168     32    files_root = SHA256(the manifest's encoded file table: u32 count, each entry)
 *   200     32    owner Ed25519 public key
 * </pre>
 * {@link #encode()} appends the 64-byte signature (296 bytes in all); plots store that form. Layout 1
 * (no nonce, name or file table under the signature) is refused: nobody could check its id's derivation,
 * and a relay could swap its files.
 */
public record DatastoreVersion(Bytes32 datastoreId, byte[] nonce, long version, Bytes32 merkleRoot, int capsuleCount,
                               long totalSize, int capsuleSize, long creationTime, Bytes32 nameSha256, Bytes32 filesRoot,
                               byte[] ownerPublicKey, byte[] signature) {
    static final int MAGIC = 0x44494756;
    static final int LAYOUT_VERSION = 2;
    public static final int SIGNING_SIZE = 232;
    public static final int ENCODED_SIZE = SIGNING_SIZE + 64;

    public DatastoreVersion {
        Objects.requireNonNull(datastoreId, "datastore id");
        Objects.requireNonNull(merkleRoot, "merkle root");
        Objects.requireNonNull(nameSha256, "name sha256");
        Objects.requireNonNull(filesRoot, "files root");
        if (nonce == null || nonce.length != 32) {
            throw new IllegalArgumentException("datastore nonce must be 32 bytes");
        }
        if (version < 1) {
            throw new IllegalArgumentException("datastore version must be at least 1, got " + version);
        }
        if (capsuleCount < 0 || totalSize < 0 || creationTime < 0) {
            throw new IllegalArgumentException("capsule count, total size and creation time must not be negative");
        }
        IngestOptions.checkCapsuleSize(capsuleSize);
        if (ownerPublicKey == null || ownerPublicKey.length != 32) {
            throw new IllegalArgumentException("owner public key must be 32 bytes");
        }
        if (signature == null || signature.length != 64) {
            throw new IllegalArgumentException("signature must be 64 bytes");
        }
        nonce = nonce.clone();
        ownerPublicKey = ownerPublicKey.clone();
        signature = signature.clone();
    }

    /** {@code SHA256(owner public key || nonce)}: a datastore's id, fixed for its life. */
    public static Bytes32 deriveId(byte[] ownerPublicKey, byte[] nonce32) {
        if (nonce32 == null || nonce32.length != 32) {
            throw new IllegalArgumentException("datastore nonce must be 32 bytes");
        }
        return Sha256.hash(ownerPublicKey, nonce32);
    }

    /** {@code SHA256(UTF-8 name)}, the name_sha256 field. */
    public static Bytes32 nameSha256(String name) {
        return Sha256.hash((name == null ? "" : name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The files_root field: SHA-256 of the file table exactly as {@link Manifest#encode()} writes it. */
    public static Bytes32 filesRoot(java.util.List<FileEntry> files) {
        return Sha256.hash(Manifest.encodeFileTable(files));
    }

    /**
     * Builds and signs a version record with {@code owner}'s key; the datastore id is derived from the
     * owner key and {@code nonce}, the name and file table are committed to by their hashes.
     */
    public static DatastoreVersion signed(byte[] nonce, long version, Bytes32 merkleRoot, int capsuleCount, long totalSize,
                                          int capsuleSize, long creationTime, String name, java.util.List<FileEntry> files,
                                          NodeIdentity owner) {
        byte[] pub = owner.publicKey();
        DatastoreVersion unsigned = new DatastoreVersion(deriveId(pub, nonce), nonce, version, merkleRoot, capsuleCount,
                totalSize, capsuleSize, creationTime, nameSha256(name), filesRoot(files), pub, new byte[64]);
        return unsigned.withSignature(owner.sign(unsigned.signingBytes()));
    }

    /** This record with another signature (for tests and for records assembled from JSON). */
    public DatastoreVersion withSignature(byte[] sig) {
        return new DatastoreVersion(datastoreId, nonce, version, merkleRoot, capsuleCount, totalSize, capsuleSize,
                creationTime, nameSha256, filesRoot, ownerPublicKey, sig);
    }

    /** Whether {@code datastore_id == SHA256(owner || nonce)}. */
    public boolean idDerivationValid() {
        return deriveId(ownerPublicKey, nonce).equals(datastoreId);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] ownerPublicKey() {
        return ownerPublicKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The 232 bytes the owner signs (layout above). */
    public byte[] signingBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIGNING_SIZE);
        b.putInt(MAGIC).putInt(LAYOUT_VERSION);
        datastoreId.writeTo(b);
        b.put(nonce).putLong(version);
        merkleRoot.writeTo(b);
        b.putInt(capsuleCount).putLong(totalSize).putInt(capsuleSize).putLong(creationTime);
        nameSha256.writeTo(b);
        filesRoot.writeTo(b);
        b.put(ownerPublicKey);
        return b.array();
    }

    public boolean signatureValid() {
        return NodeIdentity.verify(ownerPublicKey, signingBytes(), signature);
    }

    /** {@link #signingBytes()} followed by the signature: 296 bytes. */
    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED_SIZE).put(signingBytes()).put(signature).array();
    }

    /** Parses {@link #encode()}'s form; IAE naming the problem. Does not check the signature. */
    public static DatastoreVersion decode(byte[] bytes) {
        if (bytes != null && bytes.length >= 8) {
            ByteBuffer head = ByteBuffer.wrap(bytes);
            int layout = head.getInt(4);
            if (head.getInt(0) == MAGIC && layout != LAYOUT_VERSION) {
                throw new IllegalArgumentException("unsupported datastore version record layout " + layout
                        + (layout == 1 ? " (layout 1 signs no nonce, name or file table; re-add the datastore)" : ""));
            }
        }
        if (bytes == null || bytes.length != ENCODED_SIZE) {
            throw new IllegalArgumentException("a datastore version record is " + ENCODED_SIZE + " bytes, got "
                    + (bytes == null ? 0 : bytes.length));
        }
        int magic = ByteBuffer.wrap(bytes).getInt();
        if (magic != MAGIC) {
            throw new IllegalArgumentException("not a datastore version record: magic 0x" + Integer.toHexString(magic));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 8, bytes.length - 8);
        Bytes32 id = Bytes32.read(b);
        byte[] nonce = new byte[32];
        b.get(nonce);
        long version = b.getLong();
        Bytes32 root = Bytes32.read(b);
        int count = b.getInt();
        long total = b.getLong();
        int capsuleSize = b.getInt();
        long created = b.getLong();
        Bytes32 nameHash = Bytes32.read(b);
        Bytes32 files = Bytes32.read(b);
        byte[] owner = new byte[32];
        b.get(owner);
        byte[] sig = new byte[64];
        b.get(sig);
        return new DatastoreVersion(id, nonce, version, root, count, total, capsuleSize, created, nameHash, files, owner, sig);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatastoreVersion v && Arrays.equals(encode(), v.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "DatastoreVersion[" + datastoreId + " v" + version + " nonce=0x" + HexFormat.of().formatHex(nonce) + " root=" + merkleRoot + " capsules=" + capsuleCount
                + " size=" + totalSize + " capsuleSize=" + capsuleSize + " created=" + creationTime + " owner=0x"
                + HexFormat.of().formatHex(ownerPublicKey) + "]";
    }
}
