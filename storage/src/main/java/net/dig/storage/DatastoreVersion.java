package net.dig.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;

/**
 * One signed version of a datastore (DESIGN.md §4.2). Nodes accept a version only with a valid owner
 * signature and a version number above the one they hold.
 *
 * <p>{@link #signingBytes()}, the exact bytes the owner signs (136 bytes, big-endian):
 * <pre>
 *   offset  size  field
 *   0       4     magic "DIGV" (0x44494756)
 *   4       4     layout version u32 = 1
 *   8       32    datastore_id
 *   40      8     version u64 (1 for a new datastore)
 *   48      32    merkle_root
 *   80      4     capsule_count u32
 *   84      8     total_size u64 (bytes)
 *   92      4     capsule_size u32 (bytes)
 *   96      8     creation_time u64 (Unix seconds)
 *   104     32    owner Ed25519 public key
 * </pre>
 * {@link #encode()} appends the 64-byte signature (200 bytes in all); plots store that form.
 */
public record DatastoreVersion(Bytes32 datastoreId, long version, Bytes32 merkleRoot, int capsuleCount,
                               long totalSize, int capsuleSize, long creationTime, byte[] ownerPublicKey,
                               byte[] signature) {
    static final int MAGIC = 0x44494756;
    static final int LAYOUT_VERSION = 1;
    public static final int SIGNING_SIZE = 136;
    public static final int ENCODED_SIZE = SIGNING_SIZE + 64;

    public DatastoreVersion {
        Objects.requireNonNull(datastoreId, "datastore id");
        Objects.requireNonNull(merkleRoot, "merkle root");
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

    /** Builds and signs a version record with {@code owner}'s key. */
    public static DatastoreVersion signed(Bytes32 datastoreId, long version, Bytes32 merkleRoot, int capsuleCount,
                                          long totalSize, int capsuleSize, long creationTime, NodeIdentity owner) {
        byte[] pub = owner.publicKey();
        byte[] body = signingBytes(datastoreId, version, merkleRoot, capsuleCount, totalSize, capsuleSize, creationTime, pub);
        return new DatastoreVersion(datastoreId, version, merkleRoot, capsuleCount, totalSize, capsuleSize,
                creationTime, pub, owner.sign(body));
    }

    @Override
    public byte[] ownerPublicKey() {
        return ownerPublicKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The 136 bytes the owner signs (layout above). */
    public byte[] signingBytes() {
        return signingBytes(datastoreId, version, merkleRoot, capsuleCount, totalSize, capsuleSize, creationTime, ownerPublicKey);
    }

    public boolean signatureValid() {
        return NodeIdentity.verify(ownerPublicKey, signingBytes(), signature);
    }

    /** {@link #signingBytes()} followed by the signature: 200 bytes. */
    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED_SIZE).put(signingBytes()).put(signature).array();
    }

    /** Parses {@link #encode()}'s form; IAE naming the problem. Does not check the signature. */
    public static DatastoreVersion decode(byte[] bytes) {
        if (bytes == null || bytes.length != ENCODED_SIZE) {
            throw new IllegalArgumentException("a datastore version record is " + ENCODED_SIZE + " bytes, got "
                    + (bytes == null ? 0 : bytes.length));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new IllegalArgumentException("not a datastore version record: magic 0x" + Integer.toHexString(magic));
        }
        int layout = b.getInt();
        if (layout != LAYOUT_VERSION) {
            throw new IllegalArgumentException("unsupported datastore version record layout " + layout);
        }
        Bytes32 id = Bytes32.read(b);
        long version = b.getLong();
        Bytes32 root = Bytes32.read(b);
        int count = b.getInt();
        long total = b.getLong();
        int capsuleSize = b.getInt();
        long created = b.getLong();
        byte[] owner = new byte[32];
        b.get(owner);
        byte[] sig = new byte[64];
        b.get(sig);
        return new DatastoreVersion(id, version, root, count, total, capsuleSize, created, owner, sig);
    }

    private static byte[] signingBytes(Bytes32 id, long version, Bytes32 root, int count, long total, int capsuleSize,
                                       long created, byte[] owner) {
        ByteBuffer b = ByteBuffer.allocate(SIGNING_SIZE);
        b.putInt(MAGIC).putInt(LAYOUT_VERSION);
        id.writeTo(b);
        b.putLong(version);
        root.writeTo(b);
        b.putInt(count).putLong(total).putInt(capsuleSize).putLong(created).put(owner);
        return b.array();
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
        return "DatastoreVersion[" + datastoreId + " v" + version + " root=" + merkleRoot + " capsules=" + capsuleCount
                + " size=" + totalSize + " capsuleSize=" + capsuleSize + " created=" + creationTime + " owner=0x"
                + HexFormat.of().formatHex(ownerPublicKey) + "]";
    }
}
