package net.dig.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;

/**
 * Opens a {@code DIG1} plot (layout in {@link PlotWriter}), checks it, and reads capsules from it.
 *
 * <h2>What is checked at open</h2>
 * Header: size, magic, version, header hash, header size, flags, the node signature, the contents
 * commitment and the plot id recomputed from the table hashes. Tables: every present table lies inside
 * the file and matches its SHA-256 from the header's table directory; C1..C4 have the sizes the capsule
 * count implies; every capsule record points to page-aligned bytes inside the data area; C5 parses and
 * every manifest in it is signed and consistent with its Merkle root; every capsule record agrees with its
 * datastore's manifest (hash, size, chunk root). Capsule bytes are NOT rehashed here ({@link #checkCapsule}
 * does that, from {@code verify}).
 * Tables are hashed and parsed a window at a time by positional reads, never held whole (C4 alone can
 * exceed 4 GiB); only C5, the manifests, is read into one array.
 * Failures throw {@link Corrupt} saying whether the header or a table is at fault, and why.
 *
 * <h2>Reads</h2>
 * Positional {@link FileChannel} reads (no shared position, so any number of threads may read at once;
 * offsets are {@code long}, so plots beyond 2 GiB work). A {@code PlotReader} is immutable after open
 * and thread-safe; {@link #close} must not race with reads.
 */
final class PlotReader implements AutoCloseable {
    /** A plot that fails its checks. {@code inHeader} tells the header from the tables. */
    static final class Corrupt extends Exception {
        final boolean inHeader;
        /** A valid plot made by another node: the message is the whole quarantine reason. */
        final boolean foreign;

        Corrupt(boolean inHeader, String message) {
            this(inHeader, false, message);
        }

        private Corrupt(boolean inHeader, boolean foreign, String message) {
            super(message);
            this.inHeader = inHeader;
            this.foreign = foreign;
        }

        /** The reason recorded when the plot is quarantined. */
        String reason() {
            return foreign ? getMessage() : (inHeader ? "header: " : "tables: ") + getMessage();
        }
    }

    record Entry(int position, Bytes32 datastoreId, int index, int size, Bytes32 hash, long offset, int storedLength,
                 Compression codec, Bytes32 chunkRoot, long chunkHashesOffset) {}

    private final Path path;
    private final FileChannel channel;
    private final Bytes32 plotId;
    private final long creationTime;
    private final long fileSize;
    private final byte[] nodePublicKey;
    private final List<Entry> entries;
    private final List<Manifest> manifests;
    private final Map<Bytes32, Manifest> manifestById;
    private final Map<Long, Entry> entryByOffset;
    /** One bit per entry position: its bytes matched its hash since this reader was opened. */
    private final AtomicLongArray verified;

    private PlotReader(Path path, FileChannel channel, Bytes32 plotId, long creationTime, long fileSize,
                       byte[] nodePublicKey, List<Entry> entries, List<Manifest> manifests) {
        this.path = path;
        this.channel = channel;
        this.plotId = plotId;
        this.creationTime = creationTime;
        this.fileSize = fileSize;
        this.nodePublicKey = nodePublicKey;
        this.entries = entries;
        this.manifests = manifests;
        this.manifestById = new HashMap<>();
        for (Manifest m : manifests) {
            manifestById.put(m.datastoreId(), m);
        }
        this.entryByOffset = new HashMap<>();
        for (Entry e : entries) {
            entryByOffset.put(e.offset(), e);
        }
        this.verified = new AtomicLongArray((entries.size() + 63) / 64);
    }

    /** Reads the 32-byte plot id field of a header without checking anything (for reports on broken plots). */
    static Bytes32 claimedPlotId(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(48);
            readFully(ch, b, 0);
            return Bytes32.wrap(b.array(), 16);
        } catch (IOException | RuntimeException e) {
            return Bytes32.ZERO;
        }
    }

    /**
     * Opens and checks a plot that must have been made by the node whose key is {@code nodePublicKey}
     * (docs/architecture.md §4.3 binds a plot to its node): a plot signed by any other node is {@link Corrupt} with
     * the reason {@code foreign plot: made by node <id>}, even when it is otherwise valid.
     */
    static PlotReader open(Path path, byte[] nodePublicKey) throws IOException, Corrupt {
        PlotReader r = open(path);
        if (!Arrays.equals(r.nodePublicKey, nodePublicKey)) {
            r.close();
            throw new Corrupt(true, true, "foreign plot: made by node " + NodeIdentity.nodeIdOf(r.nodePublicKey));
        }
        return r;
    }

    /** Opens and checks a plot made by any node. */
    static PlotReader open(Path path) throws IOException, Corrupt {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return open(path, ch);
        } catch (IOException | Corrupt | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static PlotReader open(Path path, FileChannel ch) throws IOException, Corrupt {
        long fileSize = ch.size();
        if (fileSize < PlotWriter.HEADER_SIZE) {
            throw new Corrupt(true, "file is " + fileSize + " bytes, shorter than the 4096-byte header");
        }
        byte[] header = new byte[PlotWriter.HEADER_SIZE];
        readFully(ch, ByteBuffer.wrap(header), 0);
        ByteBuffer h = ByteBuffer.wrap(header);
        int magic = h.getInt();
        if (magic != PlotWriter.MAGIC) {
            throw new Corrupt(true, "bad magic 0x" + Integer.toHexString(magic) + " (expected DIG1)");
        }
        int version = h.getInt();
        if (version != PlotWriter.FORMAT_VERSION) {
            throw new Corrupt(true, "unsupported plot format version " + version);
        }
        if (!Sha256.hash(header, 0, PlotWriter.HEADER_HASH_OFFSET).equals(Bytes32.wrap(header, PlotWriter.HEADER_HASH_OFFSET))) {
            throw new Corrupt(true, "header checksum mismatch");
        }
        long creationTime = h.getLong();
        Bytes32 plotId = Bytes32.read(h);
        int capsuleCount = h.getInt();
        int[] pointers = new int[PlotWriter.TABLES];
        for (int t = 0; t < PlotWriter.TABLES; t++) {
            pointers[t] = h.getInt();
        }
        int flags = h.getInt();
        int headerSize = h.getInt();
        byte[] pub = new byte[32];
        h.get(pub);
        Bytes32 commitment = Bytes32.read(h);
        long dataStart = h.getLong();
        long dataEnd = h.getLong();
        long[] lengths = new long[PlotWriter.TABLES];
        byte[][] hashes = new byte[PlotWriter.TABLES][32];
        byte[] commitmentInput = new byte[32 * PlotWriter.TABLES];
        for (int t = 0; t < PlotWriter.TABLES; t++) {
            lengths[t] = h.getLong();
            h.get(hashes[t]);
            System.arraycopy(hashes[t], 0, commitmentInput, 32 * t, 32);
        }
        if (flags != 0) {
            throw new Corrupt(true, "unsupported flags 0x" + Integer.toHexString(flags));
        }
        if (headerSize != PlotWriter.HEADER_SIZE || dataStart != PlotWriter.HEADER_SIZE || dataEnd < dataStart || dataEnd > fileSize) {
            throw new Corrupt(true, "header size or data area out of range");
        }
        if (!Sha256.hash(commitmentInput).equals(commitment)) {
            throw new Corrupt(true, "contents commitment does not match the table directory");
        }
        Bytes32 expectedId = Sha256.hash(pub, commitment.toArray(), ByteBuffer.allocate(8).putLong(creationTime).array());
        if (!expectedId.equals(plotId)) {
            throw new Corrupt(true, "plot id does not match its node key, contents and creation time");
        }
        byte[] sig = Arrays.copyOfRange(header, PlotWriter.SIGNED_HEADER_BYTES, PlotWriter.SIGNED_HEADER_BYTES + 64);
        if (!NodeIdentity.verify(pub, Arrays.copyOf(header, PlotWriter.SIGNED_HEADER_BYTES), sig)) {
            throw new Corrupt(true, "node signature is not valid");
        }
        for (int t = 0; t < 5; t++) {
            if (pointers[t] == 0) {
                throw new Corrupt(true, "table C" + (t + 1) + " is missing");
            }
        }
        for (int t = 5; t < PlotWriter.TABLES; t++) {
            if (pointers[t] != 0 || lengths[t] != 0) {
                throw new Corrupt(true, "reserved table C" + (t + 1) + " is present");
            }
        }
        long n = Integer.toUnsignedLong(capsuleCount);
        if (lengths[0] != n * PlotWriter.C1_RECORD || lengths[1] != n * PlotWriter.C2_RECORD || lengths[2] != n * 32) {
            throw new Corrupt(true, "table sizes do not match capsule count " + n);
        }
        if (n > Integer.MAX_VALUE) {
            throw new Corrupt(true, "capsule count " + n + " is more than a plot can index");
        }
        long[] starts = new long[PlotWriter.PRESENT_TABLES];
        for (int t = 0; t < PlotWriter.PRESENT_TABLES; t++) {
            starts[t] = Integer.toUnsignedLong(pointers[t]) * PlotWriter.PAGE;
            if (starts[t] < dataEnd || lengths[t] < 0 || lengths[t] > fileSize - starts[t]) {
                throw new Corrupt(true, "table C" + (t + 1) + " lies outside the file");
            }
        }
        if (lengths[4] > Integer.MAX_VALUE - 8) {
            throw new Corrupt(true, "table C5 is " + lengths[4] + " bytes, more than its manifests can be");
        }
        for (int t = 0; t < 4; t++) {
            if (!Arrays.equals(hashRegion(ch, starts[t], lengths[t]), hashes[t])) {
                throw new Corrupt(false, "table C" + (t + 1) + " checksum mismatch");
            }
        }
        byte[] c5 = new byte[(int) lengths[4]];
        readFully(ch, ByteBuffer.wrap(c5), starts[4]);
        if (!Arrays.equals(Sha256.hash(c5).toArray(), hashes[4])) {
            throw new Corrupt(false, "table C5 checksum mismatch");
        }
        long c4Start = starts[3];
        List<Manifest> manifests = parseDatastores(c5);
        Map<Bytes32, Manifest> byId = new HashMap<>();
        for (Manifest m : manifests) {
            byId.put(m.datastoreId(), m);
        }
        Records c1Records = new Records(ch, starts[0], lengths[0], PlotWriter.C1_RECORD);
        Records c2Records = new Records(ch, starts[1], lengths[1], PlotWriter.C2_RECORD);
        Records c3Records = new Records(ch, starts[2], lengths[2], 32);
        List<Entry> entries = new ArrayList<>((int) n);
        long chunkOffset = 0;
        for (int i = 0; i < n; i++) {
            ByteBuffer c1 = c1Records.next();
            ByteBuffer c2 = c2Records.next();
            ByteBuffer c3 = c3Records.next();
            Bytes32 ds = Bytes32.read(c1);
            int index = c1.getInt();
            int size = c1.getInt();
            Bytes32 hash = Bytes32.read(c1);
            long offset = c1.getLong();
            int stored = c2.getInt();
            int codecByte = c2.get();
            byte[] reserved = new byte[3];
            c2.get(reserved);
            Bytes32 chunkRoot = Bytes32.read(c3);
            if (codecByte < 0 || codecByte > 1 || reserved[0] != 0 || reserved[1] != 0 || reserved[2] != 0) {
                throw new Corrupt(false, "table C2 record " + i + " has an unknown codec");
            }
            if (offset % PlotWriter.PAGE != 0 || offset < dataStart || stored < 0 || offset + stored > dataEnd) {
                throw new Corrupt(false, "table C1 record " + i + " points outside the data area");
            }
            if (codecByte == Compression.NONE.code() && stored != size) {
                throw new Corrupt(false, "table C2 record " + i + " stores " + stored + " bytes of a plain capsule of "
                        + Integer.toUnsignedString(size));
            }
            Manifest m = byId.get(ds);
            if (m == null) {
                throw new Corrupt(false, "table C1 record " + i + " names datastore " + ds + " which table C5 does not hold");
            }
            if (index < 0 || index >= m.capsules().size()) {
                throw new Corrupt(false, "table C1 record " + i + " has capsule index " + Integer.toUnsignedString(index)
                        + " outside datastore " + ds);
            }
            CapsuleInfo info = m.capsules().get(index);
            if (!info.hash().equals(hash) || info.size() != Integer.toUnsignedLong(size) || !info.chunkRoot().equals(chunkRoot)) {
                throw new Corrupt(false, "capsule record " + i + " (datastore " + ds + " capsule " + index
                        + ") disagrees with the datastore manifest");
            }
            entries.add(new Entry(i, ds, index, size, hash, offset, stored, Compression.ofCode(codecByte), chunkRoot,
                    c4Start + chunkOffset));
            chunkOffset += 32L * PlotWriter.chunkCount(size);
        }
        if (chunkOffset != lengths[3]) {
            throw new Corrupt(false, "table C4 holds " + lengths[3] + " bytes of chunk hashes but the capsules need " + chunkOffset);
        }
        return new PlotReader(path, ch, plotId, creationTime, fileSize, pub, List.copyOf(entries), manifests);
    }

    /** SHA-256 of {@code length} bytes at {@code start}, read a window at a time. */
    private static byte[] hashRegion(FileChannel ch, long start, long length) throws IOException {
        java.security.MessageDigest d = Sha256.newDigest();
        ByteBuffer window = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(length, 1)));
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(window.capacity(), length - done);
            window.clear().limit(n);
            readFully(ch, window, start + done);
            window.flip();
            d.update(window);
            done += n;
        }
        return d.digest();
    }

    /** The fixed-size records of one table, read a window at a time (a table may be far larger than heap). */
    private static final class Records {
        private static final int PER_WINDOW = 4096;
        private final FileChannel ch;
        private final ByteBuffer window;
        private final long end;
        private long next;

        Records(FileChannel ch, long start, long length, int recordSize) {
            this.ch = ch;
            this.next = start;
            this.end = start + length;
            this.window = ByteBuffer.allocate(recordSize * PER_WINDOW).limit(0);
        }

        /** The window holding the next record, positioned at it. */
        ByteBuffer next() throws IOException {
            if (!window.hasRemaining()) {
                int n = (int) Math.min(window.capacity(), end - next);
                window.clear().limit(n);
                readFully(ch, window, next);
                next += n;
                window.flip();
            }
            return window;
        }
    }

    private static List<Manifest> parseDatastores(byte[] table) throws Corrupt {
        try {
            ByteBuffer b = ByteBuffer.wrap(table);
            int count = b.getInt();
            List<Manifest> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) {
                    throw new Corrupt(false, "table C5 entry " + i + " is truncated");
                }
                byte[] m = new byte[len];
                b.get(m);
                Manifest manifest = Manifest.decode(m);
                manifest.validate();
                out.add(manifest);
            }
            if (b.hasRemaining()) {
                throw new Corrupt(false, "table C5 has trailing bytes");
            }
            return List.copyOf(out);
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new Corrupt(false, "table C5 is invalid: " + e.getMessage());
        }
    }

    Path path() {
        return path;
    }

    /** The shared read-only channel: positional reads only, never closed by a caller. */
    FileChannel channel() {
        return channel;
    }

    Bytes32 plotId() {
        return plotId;
    }

    long creationTime() {
        return creationTime;
    }

    long fileSize() {
        return fileSize;
    }

    byte[] nodePublicKey() {
        return nodePublicKey.clone();
    }

    List<Entry> entries() {
        return entries;
    }

    List<Manifest> manifests() {
        return manifests;
    }

    Manifest manifest(Bytes32 datastoreId) {
        return manifestById.get(datastoreId);
    }

    /** The stored bytes of entry {@code e} (compressed if its codec says so). */
    byte[] readStored(Entry e) throws IOException {
        return readStored(channel, e.offset(), e.storedLength());
    }

    static byte[] readStored(FileChannel ch, long offset, int length) throws IOException {
        byte[] out = new byte[length];
        readFully(ch, ByteBuffer.wrap(out), offset);
        return out;
    }

    /** {@code length} bytes at byte {@code offset} of the file. */
    byte[] readStoredAt(long offset, int length) throws IOException {
        return readStored(channel, offset, length);
    }

    /** The uncompressed bytes of {@code e}, not checked against its hash. */
    byte[] readCapsule(Entry e) throws IOException {
        return CapsuleCodec.decode(readStored(e), e.codec(), e.size());
    }

    /** The chunk leaf hashes of entry {@code e}. */
    byte[] readChunkHashes(Entry e) throws IOException {
        byte[] out = new byte[32 * PlotWriter.chunkCount(e.size())];
        readFully(channel, ByteBuffer.wrap(out), e.chunkHashesOffset());
        return out;
    }

    /** Per-thread direct buffer for rehashing plain capsules without a heap copy, one slice at a time. */
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));

    /** The entry whose stored bytes start at byte {@code offset} of the file, or null. */
    Entry entryAt(long offset) {
        return entryByOffset.get(offset);
    }

    /** Whether entry {@code e} matched its hash since this reader was opened ({@link #markVerified}). */
    boolean verified(Entry e) {
        return (verified.get(e.position() >>> 6) & (1L << e.position())) != 0;
    }

    void markVerified(Entry e) {
        verified.getAndAccumulate(e.position() >>> 6, 1L << e.position(), (a, b) -> a | b);
    }

    /** Rehashes capsule {@code e}: null if it is intact, else why not. */
    String checkCapsule(Entry e) {
        if (e.codec() == Compression.NONE && e.storedLength() == e.size() && !Thread.currentThread().isVirtual()) {
            // plain capsule: kernel copies into a reused direct buffer, hashed in place slice by slice
            ByteBuffer scratch = SCRATCH.get();
            java.security.MessageDigest d = Sha256.newDigest();
            try {
                for (long done = 0; done < e.storedLength(); ) {
                    int n = (int) Math.min(scratch.capacity(), e.storedLength() - done);
                    scratch.clear().limit(n);
                    readFully(channel, scratch, e.offset() + done);
                    scratch.flip();
                    d.update(scratch);
                    done += n;
                }
            } catch (IOException | RuntimeException ex) {
                return "cannot read: " + ex.getMessage();
            }
            return Bytes32.wrap(d.digest()).equals(e.hash()) ? null : "capsule hash mismatch";
        }
        byte[] data;
        try {
            data = readCapsule(e);
        } catch (IOException | RuntimeException ex) {
            return "cannot read or decompress: " + ex.getMessage();
        }
        if (data.length != e.size()) {
            return "size " + data.length + " instead of " + e.size();
        }
        if (!Sha256.hash(data).equals(e.hash())) {
            return "capsule hash mismatch";
        }
        return null;
    }

    /**
     * Checks capsule {@code e} in one pass over its bytes: each 4 KiB chunk's leaf hash against
     * {@code leaves} (its C4 hashes, which the caller has checked against the chunk root). Null if
     * intact, else why not. Equivalent to rehashing against C1: the chunk root is bound to the capsule
     * by the signed manifest just as the capsule hash is.
     */
    String checkChunks(Entry e, byte[] leaves) {
        java.security.MessageDigest d = Sha256.newDigest();
        byte[] leaf = new byte[32];
        try {
            if (e.codec() == Compression.NONE && e.storedLength() == e.size() && !Thread.currentThread().isVirtual()) {
                ByteBuffer scratch = SCRATCH.get(); // a whole number of chunks
                int chunk = 0;
                for (long done = 0; done < e.storedLength(); ) {
                    int n = (int) Math.min(scratch.capacity(), e.storedLength() - done);
                    scratch.clear().limit(n);
                    readFully(channel, scratch, e.offset() + done);
                    for (int at = 0; at < n; at += CapsuleHashes.CHUNK, chunk++) {
                        scratch.limit(Math.min(n, at + CapsuleHashes.CHUNK)).position(at);
                        d.update((byte) 0x01);
                        d.update(scratch);
                        d.digest(leaf, 0, 32);
                        if (!Arrays.equals(leaf, 0, 32, leaves, 32 * chunk, 32 * chunk + 32)) {
                            return "capsule hash mismatch";
                        }
                    }
                    done += n;
                }
                return null;
            }
            byte[] data = readCapsule(e);
            if (data.length != e.size()) {
                return "size " + data.length + " instead of " + e.size();
            }
            for (int c = 0, at = 0; at < data.length; c++, at += CapsuleHashes.CHUNK) {
                d.update((byte) 0x01);
                d.update(data, at, Math.min(CapsuleHashes.CHUNK, data.length - at));
                d.digest(leaf, 0, 32);
                if (!Arrays.equals(leaf, 0, 32, leaves, 32 * c, 32 * c + 32)) {
                    return "capsule hash mismatch";
                }
            }
            return null;
        } catch (IOException | RuntimeException ex) {
            return "cannot read or decompress: " + ex.getMessage();
        } catch (java.security.DigestException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + p);
            }
            p += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
