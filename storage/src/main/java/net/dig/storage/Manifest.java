package net.dig.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.MerkleTree;

/**
 * Everything a node needs to serve and check a datastore version: the signed version record, a display
 * name, every capsule ({@link CapsuleInfo}) and the file table.
 *
 * <p>Binary form ({@link #encode()}; plots carry it in their datastore table so the index can be rebuilt
 * from plots alone), big-endian:
 * <pre>
 *   u32 magic "DIGM" (0x4449474D) | u32 layout version = 2
 *   296 bytes  DatastoreVersion.encode() (signing bytes + signature; layout 2)
 *   u16 n, n bytes UTF-8 name
 *   capsule_count × { 32 capsule_hash | u32 size | 32 chunk_root }       (index = position)
 *   u32 file count, each { u16 n, n bytes UTF-8 path | u64 offset | u64 length | 32 sha256 }
 * </pre>
 */
public record Manifest(DatastoreVersion version, String name, List<CapsuleInfo> capsules, List<FileEntry> files) {
    static final int MAGIC = 0x4449474D;
    static final int LAYOUT_VERSION = 2;

    public Manifest {
        Objects.requireNonNull(version, "version");
        name = name == null ? "" : name;
        capsules = List.copyOf(capsules);
        files = List.copyOf(files);
    }

    public Bytes32 datastoreId() {
        return version.datastoreId();
    }

    /** The Merkle leaf hash of capsule {@code index}: {@code leaf(capsule_hash || chunk_root)}. */
    public Bytes32 leafHash(int index) {
        return leafHash(capsules.get(index));
    }

    static Bytes32 leafHash(CapsuleInfo c) {
        byte[] input = new byte[64];
        c.hash().copyTo(input, 0);
        c.chunkRoot().copyTo(input, 32);
        return MerkleTree.leafHash(input);
    }

    /** The datastore tree over every capsule's leaf. */
    public MerkleTree tree() {
        List<Bytes32> leaves = new ArrayList<>(capsules.size());
        for (CapsuleInfo c : capsules) {
            leaves.add(leafHash(c));
        }
        return MerkleTree.of(leaves);
    }

    /**
     * Checks that the manifest is internally consistent and signed: datastore_id = SHA256(owner || nonce),
     * the owner signature, the name and file table against name_sha256 and files_root, capsules numbered 0..n-1 with
     * n = capsule_count, full-size capsules but the last, sizes summing to total_size, the Merkle root,
     * the owner signature, and a file table inside the byte stream. Throws IAE naming the first problem.
     */
    public void validate() {
        DatastoreVersion v = version;
        if (!v.idDerivationValid()) {
            throw new IllegalArgumentException("datastore " + v.datastoreId() + " version " + v.version()
                    + ": the datastore id is not SHA256(owner || nonce)");
        }
        if (!v.signatureValid()) {
            throw new IllegalArgumentException("datastore " + v.datastoreId() + " version " + v.version()
                    + ": the owner signature is not valid");
        }
        if (!DatastoreVersion.nameSha256(name).equals(v.nameSha256())) {
            throw new IllegalArgumentException("datastore " + v.datastoreId() + " version " + v.version()
                    + ": the name is not the one the owner signed");
        }
        if (!DatastoreVersion.filesRoot(files).equals(v.filesRoot())) {
            throw new IllegalArgumentException("datastore " + v.datastoreId() + " version " + v.version()
                    + ": the file table does not match the signed files_root");
        }
        if (capsules.size() != v.capsuleCount()) {
            throw new IllegalArgumentException("datastore " + v.datastoreId() + " declares " + v.capsuleCount()
                    + " capsules but the manifest lists " + capsules.size());
        }
        long total = 0;
        for (int i = 0; i < capsules.size(); i++) {
            CapsuleInfo c = capsules.get(i);
            if (c.index() != i) {
                throw new IllegalArgumentException("capsule at position " + i + " has index " + c.index());
            }
            boolean last = i == capsules.size() - 1;
            if (last ? (c.size() < 1 || c.size() > v.capsuleSize()) : c.size() != v.capsuleSize()) {
                throw new IllegalArgumentException("capsule " + i + " has size " + c.size() + " but the capsule size is "
                        + v.capsuleSize() + (last ? " (the last capsule may be shorter, not empty)" : ""));
            }
            total += c.size();
        }
        if (total != v.totalSize()) {
            throw new IllegalArgumentException("capsule sizes add up to " + total + " but total_size is " + v.totalSize());
        }
        Bytes32 root = tree().root();
        if (!root.equals(v.merkleRoot())) {
            throw new IllegalArgumentException("capsules give merkle root " + root + " but the version declares " + v.merkleRoot());
        }
        for (FileEntry f : files) {
            if (f.offset() < 0 || f.length() < 0 || f.length() > total || f.offset() > total - f.length()) {
                throw new IllegalArgumentException("file " + f.path() + " (offset " + f.offset() + ", length " + f.length()
                        + ") lies outside the datastore's " + total + " bytes");
            }
        }
    }

    /** The binary form drawn above. */
    public byte[] encode() {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] fileTable = encodeFileTable(files);
        int size = 8 + DatastoreVersion.ENCODED_SIZE + 2 + nameBytes.length + 68 * capsules.size() + fileTable.length;
        if (nameBytes.length > 0xFFFF) {
            throw new IllegalArgumentException("datastore name is longer than 65535 bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(MAGIC).putInt(LAYOUT_VERSION).put(version.encode());
        b.putShort((short) nameBytes.length).put(nameBytes);
        for (CapsuleInfo c : capsules) {
            c.hash().writeTo(b);
            b.putInt((int) c.size());
            c.chunkRoot().writeTo(b);
        }
        b.put(fileTable);
        return b.array();
    }

    /** The file table as {@link #encode()} writes it: u32 count, each { u16 n, path, u64 offset, u64 length, 32 sha256 }. */
    static byte[] encodeFileTable(List<FileEntry> files) {
        List<byte[]> paths = new ArrayList<>(files.size());
        int size = 4;
        for (FileEntry f : files) {
            byte[] p = f.path().getBytes(StandardCharsets.UTF_8);
            if (p.length > 0xFFFF) {
                throw new IllegalArgumentException("file path longer than 65535 bytes: " + f.path());
            }
            paths.add(p);
            size += 2 + p.length + 8 + 8 + 32;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(files.size());
        for (int i = 0; i < files.size(); i++) {
            FileEntry f = files.get(i);
            byte[] p = paths.get(i);
            b.putShort((short) p.length).put(p).putLong(f.offset()).putLong(f.length());
            f.sha256().writeTo(b);
        }
        return b.array();
    }

    /** Parses {@link #encode()}'s form; IAE naming the problem (does not {@link #validate()}). */
    public static Manifest decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            int magic = b.getInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException("not a manifest: magic 0x" + Integer.toHexString(magic));
            }
            int layout = b.getInt();
            if (layout != LAYOUT_VERSION) {
                throw new IllegalArgumentException("unsupported manifest layout " + layout);
            }
            byte[] vb = new byte[DatastoreVersion.ENCODED_SIZE];
            b.get(vb);
            DatastoreVersion v = DatastoreVersion.decode(vb);
            String name = readString(b);
            if ((long) v.capsuleCount() * 68 > b.remaining()) {
                throw new IllegalArgumentException("manifest declares " + v.capsuleCount() + " capsules but is too short");
            }
            List<CapsuleInfo> capsules = new ArrayList<>(v.capsuleCount());
            for (int i = 0; i < v.capsuleCount(); i++) {
                Bytes32 h = Bytes32.read(b);
                long size = Integer.toUnsignedLong(b.getInt());
                capsules.add(new CapsuleInfo(i, h, size, Bytes32.read(b)));
            }
            int fileCount = b.getInt();
            if (fileCount < 0 || (long) fileCount * 50 > b.remaining()) {
                throw new IllegalArgumentException("manifest declares " + Integer.toUnsignedString(fileCount) + " files but is too short");
            }
            List<FileEntry> files = new ArrayList<>(fileCount);
            for (int i = 0; i < fileCount; i++) {
                String path = readString(b);
                files.add(new FileEntry(path, b.getLong(), b.getLong(), Bytes32.read(b)));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("manifest has " + b.remaining() + " trailing bytes");
            }
            return new Manifest(v, name, capsules, files);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("manifest is truncated");
        }
    }

    private static String readString(ByteBuffer b) {
        int n = Short.toUnsignedInt(b.getShort());
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
