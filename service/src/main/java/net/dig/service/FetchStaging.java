package net.dig.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;
import net.dig.storage.DatastoreVersion;

/**
 * The staging area of one datastore version being fetched, outside the store: nothing here is listed
 * or served, and the directory is deleted once the version has landed (docs/architecture.md §6 step 7).
 *
 * <h2>Layout</h2>
 * <pre>
 *   &lt;root&gt;/&lt;datastore id, 64 hex&gt;-&lt;version&gt;/
 *     version              DatastoreVersion.encode() of the version fetched (296 bytes, AtomicFiles)
 *     capsule-N.data       the capsule's bytes, written in place at their offsets (sparse until complete)
 *     capsule-N.progress   written with AtomicFiles after every verified window, big-endian:
 *         u32 magic "DIGF" (0x44494746) | u32 layout = 1 | u32 capsule index | u32 chunk count
 *         32 capsule_hash | 32 chunk_root          (proven by the capsule's leaf proof)
 *         ceil(chunk count / 8) bytes: bit j (byte j/8, least significant bit first) = chunk j verified
 * </pre>
 * A window's bytes are forced to {@code capsule-N.data} before its bits are set in the progress record,
 * so after a kill -9 every chunk marked verified is on disk; chunks written but not yet marked are asked
 * again. A progress record that does not parse, or names another capsule or chunk count, is dropped with
 * its data (the capsule starts over); a {@code version} file that differs from the expected record, byte
 * for byte, empties the directory.
 *
 * <p>Not thread-safe: owned by one {@link FetchSession}. Failures are {@link IOException}s.
 */
final class FetchStaging {
    static final int MAGIC = 0x44494746;
    static final int LAYOUT = 1;

    /** What is known of one capsule: its proven hashes and which chunks are verified on disk. */
    static final class Progress {
        final Bytes32 capsuleHash;
        final Bytes32 chunkRoot;
        final int chunks;
        final BitSet verified;

        Progress(Bytes32 capsuleHash, Bytes32 chunkRoot, int chunks, BitSet verified) {
            this.capsuleHash = capsuleHash;
            this.chunkRoot = chunkRoot;
            this.chunks = chunks;
            this.verified = verified;
        }

        boolean complete() {
            return verified.cardinality() == chunks;
        }
    }

    private final Path dir;
    private final Progress[] capsules;

    private FetchStaging(Path dir, int capsuleCount) {
        this.dir = dir;
        this.capsules = new Progress[capsuleCount];
    }

    static Path dirOf(Path root, Bytes32 id, long version) {
        return root.resolve(id.toHex().substring(2) + "-" + version);
    }

    /**
     * Opens (creating) the staging directory of {@code expected} under {@code root} and loads what an
     * earlier run verified (chunk counts follow from the signed record's sizes).
     */
    static FetchStaging open(Path root, DatastoreVersion expected) throws IOException {
        Path dir = dirOf(root, expected.datastoreId(), expected.version());
        Files.createDirectories(dir);
        FetchStaging s = new FetchStaging(dir, expected.capsuleCount());
        Path versionFile = dir.resolve("version");
        byte[] want = expected.encode();
        byte[] have = Files.exists(versionFile) ? Files.readAllBytes(versionFile) : null;
        if (!Arrays.equals(have, want)) {
            s.clear();
            AtomicFiles.write(versionFile, want, AtomicFiles.Publish.REPLACE);
            return s;
        }
        for (int i = 0; i < expected.capsuleCount(); i++) {
            s.capsules[i] = s.load(i, CapsuleWindows.chunkCount(FetchService.sizeOf(expected, i)));
        }
        return s;
    }

    /** The staged versions under {@code root} (their {@code version} files), for a resume after a restart. */
    static List<DatastoreVersion> list(Path root) throws IOException {
        List<DatastoreVersion> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                Path v = d.resolve("version");
                if (Files.isRegularFile(v)) {
                    try {
                        DatastoreVersion dv = DatastoreVersion.decode(Files.readAllBytes(v));
                        if (dirOf(root, dv.datastoreId(), dv.version()).equals(d)) {
                            out.add(dv);
                        }
                    } catch (IllegalArgumentException e) {
                        // not a staging directory of ours; left alone
                    }
                }
            }
        }
        return out;
    }

    Path dir() {
        return dir;
    }

    Path dataFile(int capsule) {
        return dir.resolve("capsule-" + capsule + ".data");
    }

    private Path progressFile(int capsule) {
        return dir.resolve("capsule-" + capsule + ".progress");
    }

    /** What is known of capsule {@code i}; null until its prologue was verified. */
    Progress progress(int i) {
        return capsules[i];
    }

    /** Capsule {@code i}'s hashes are proven: remembered (persisted with the first window's bits). */
    Progress prove(int i, Bytes32 capsuleHash, Bytes32 chunkRoot, int chunks) {
        Progress p = new Progress(capsuleHash, chunkRoot, chunks, new BitSet(chunks));
        capsules[i] = p;
        return p;
    }

    /**
     * Writes verified bytes of capsule {@code i} at {@code offset} (chunks {@code [firstChunk, firstChunk +
     * chunkCount)}), forces them, then persists the progress record with their bits set.
     */
    void write(int i, long offset, byte[] data, int firstChunk, int chunkCount) throws IOException {
        Progress p = capsules[i];
        try (FileChannel ch = FileChannel.open(dataFile(i), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            long at = offset;
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
            ch.force(false);
        }
        p.verified.set(firstChunk, firstChunk + chunkCount);
        AtomicFiles.write(progressFile(i), encode(i, p), AtomicFiles.Publish.REPLACE);
    }

    /** SHA-256 of the staged bytes of capsule {@code i}, read back from disk; null if its file is missing or not {@code size} bytes. */
    Bytes32 rehash(int i, long size) throws IOException {
        Path f = dataFile(i);
        if (!Files.exists(f) || Files.size(f) != size) {
            return null;
        }
        MessageDigest d = Sha256.newDigest();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            while (ch.read(b) >= 0) {
                b.flip();
                d.update(b);
                b.clear();
            }
        }
        return Bytes32.wrap(d.digest());
    }

    /** Forgets capsule {@code i} (its staged bytes did not hash to the proven hash): it is fetched again. */
    void reset(int i) throws IOException {
        capsules[i] = null;
        Files.deleteIfExists(progressFile(i));
        Files.deleteIfExists(dataFile(i));
    }

    /** Deletes the staging directory and everything in it. */
    void delete() throws IOException {
        deleteTree(dir);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException e) {
                    // already gone
                }
            }
        }
    }

    private void clear() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    private Progress load(int i, int chunks) throws IOException {
        Path f = progressFile(i);
        if (!Files.exists(f)) {
            Files.deleteIfExists(dataFile(i));
            return null;
        }
        Progress p = decode(Files.readAllBytes(f), i, chunks);
        if (p == null) {
            reset(i);
        }
        return p;
    }

    static byte[] encode(int i, Progress p) {
        byte[] bits = Arrays.copyOf(p.verified.toByteArray(), (p.chunks + 7) / 8);
        ByteBuffer b = ByteBuffer.allocate(16 + 64 + bits.length);
        b.putInt(MAGIC).putInt(LAYOUT).putInt(i).putInt(p.chunks);
        p.capsuleHash.writeTo(b);
        p.chunkRoot.writeTo(b);
        b.put(bits);
        return b.array();
    }

    /** The record of capsule {@code i} with {@code chunks} chunks; null if it is not one. */
    static Progress decode(byte[] bytes, int i, int chunks) {
        int bitBytes = (chunks + 7) / 8;
        if (bytes.length != 16 + 64 + bitBytes) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt() != MAGIC || b.getInt() != LAYOUT || b.getInt() != i || b.getInt() != chunks) {
            return null;
        }
        Bytes32 hash = Bytes32.read(b);
        Bytes32 root = Bytes32.read(b);
        byte[] bits = new byte[bitBytes];
        b.get(bits);
        BitSet verified = BitSet.valueOf(bits);
        if (verified.length() > chunks) {
            return null;
        }
        return new Progress(hash, root, chunks, verified);
    }
}
