package net.dig.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;

/**
 * Writes one {@code DIG1} plot file, crash-safely.
 *
 * <h2>What</h2>
 * A plot holds capsules of one or more datastores, the tables that locate and prove them, and the full
 * manifests of those datastores, so that the SQLite index can be rebuilt from plot files alone.
 *
 * <h2>Layout (format version 1; integers big-endian; "page" = 4096 bytes)</h2>
 * <pre>
 * file:  +-----------------+--------------------------------------+----+----+----+----+----+
 *        | header (page 0) | capsule data, each capsule starting  | C1 | C2 | C3 | C4 | C5 |
 *        | 4096 bytes      | on a page boundary                   |    |    |    |    |    |
 *        +-----------------+--------------------------------------+----+----+----+----+----+
 *        every table starts on a page boundary; gaps are zero bytes.
 *
 * header (the seed's PlotHeader, field for field, then extension fields inside its padding):
 *   offset size  field
 *   0      4     magic u32 = 0x44494731 ("DIG1")
 *   4      4     version u32 = 1
 *   8      8     creation_time u64, Unix seconds
 *   16     32    plot_id = SHA256(node_public_key || contents_commitment || u64 creation_time)
 *   48     4     capsule_count u32 (records in C1)
 *   52     28    table_pointers[7] u32: first page of C1..C7; 0 = table absent
 *   --- extension (seed padding starts at 80) ---
 *   80     4     flags u32; bit 0 = packed replica (reserved, must be 0 in version 1)
 *   84     4     header_size u32 = 4096
 *   88     32    node_public_key, Ed25519 (the node that made the plot)
 *   120    32    contents_commitment = SHA256(table_sha256[C1] || ... || table_sha256[C7])
 *   152    8     data_start u64, byte offset of the capsule area (= 4096)
 *   160    8     data_end u64, byte offset just past the last capsule byte
 *   168    280   table directory: 7 x { u64 length_bytes, 32 sha256 of the table bytes } (zeros if absent)
 *   448    64    node signature, Ed25519 over bytes [0, 448)
 *   512    3552  zero
 *   4064   32    header_sha256 = SHA256(bytes [0, 4064))
 *
 * C1 capsule records (the seed's CapsuleRecord, 80 bytes each, capsule_count records, plot order):
 *   0  32 datastore_id | 32 4 capsule_index u32 | 36 4 capsule_size u32 (uncompressed)
 *   40 32 capsule_hash = SHA256(uncompressed bytes) | 72 8 plot_offset u64 (byte offset, page aligned)
 * C2 storage records (8 bytes each, same order): u32 stored_length | u8 codec (0 none, 1 zstd) | 3 zero
 * C3 chunk roots (32 bytes each, same order): root of the capsule's 4 KiB-chunk tree (docs/architecture.md §4.1)
 * C4 chunk hashes: for each capsule in order, ceil(capsule_size / 4096) leaf hashes SHA256(0x01 || chunk)
 * C5 datastores present: u32 count, then count x { u32 length, Manifest.encode() } (signed version
 *    record, name, every capsule of the datastore, file table), sorted by datastore_id
 * C6 reserved (replica commitments for packed plots), C7 reserved: pointer 0 in version 1
 * </pre>
 *
 * <h2>Why</h2>
 * Data first and tables last lets ingest stream capsules to disk as they are hashed, without knowing
 * table sizes in advance; the header is written last, so a file whose header hash checks is complete.
 * Page-counted pointers address 16 TiB with a u32 (docs/architecture.md §4.3). Page-aligned capsules allow
 * {@code O_DIRECT}-friendly and {@code sendfile} reads.
 *
 * <h2>Durability</h2>
 * Everything is written to a temporary file {@code .plot.*.tmp} in the target directory; then
 * fsync and {@link AtomicFiles#commit} with {@code CREATE_NEW} to {@code <plot_id hex>.plot} (hard link +
 * unlink, fsync of the directory). A crash leaves either no
 * plot (and a temp file that {@link StorageEngine#open} deletes) or a complete one. The writer holds
 * an exclusive file lock on its temporary file until its final name exists, so {@code open} in another
 * process (a CLI command next to a running node) leaves a temporary file that is still being written
 * or published alone; within this process a registry of temporary files being written answers first
 * (probing the lock through a second channel would drop it). Any failure deletes
 * the temp file and reports the directory.
 *
 * <h2>Concurrency</h2>
 * Not thread-safe: one writer thread appends capsules, then calls {@link #finish}.
 */
final class PlotWriter implements AutoCloseable {
    static final int MAGIC = 0x44494731;
    static final int FORMAT_VERSION = 1;
    static final int PAGE = 4096;
    static final int HEADER_SIZE = PAGE;
    static final int TABLES = 7;
    static final int C1_RECORD = 80;
    static final int C2_RECORD = 8;
    static final int HEADER_HASH_OFFSET = HEADER_SIZE - 32;
    static final int SIGNED_HEADER_BYTES = 448;
    /** Temporary plots are named {@code .plot.<random>.tmp} ({@link AtomicFiles#createTemporary}). */
    static final String TEMP_STEM = "plot";
    static final String PLOT_SUFFIX = ".plot";

    /**
     * Temporary files being written by this process. Consulted before the file lock, because probing the
     * lock opens and closes a second channel on the file, and closing any channel drops every POSIX lock
     * this process holds on it.
     */
    private static final java.util.Set<Path> WRITING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path temp;
    private final FileChannel channel;
    private long position = HEADER_SIZE;
    private long unflushed;
    /** Bytes of capsule data written between intermediate flushes. */
    static final long FLUSH_EVERY = 64L << 20;
    private final List<Record> records = new ArrayList<>();
    private boolean done;
    /** Tests: runs just before the plot gets its final name. */
    Runnable beforePublish;

    record Record(Bytes32 datastoreId, int index, int size, Bytes32 hash, long offset, int storedLength,
                  Compression codec, Bytes32 chunkRoot, byte[] chunkHashes) {}

    /** The finished plot. */
    record Written(Bytes32 plotId, Path path, long sizeBytes, int capsuleCount, long creationTime,
                   List<Record> records, long c4Start) {}

    private PlotWriter(Path dir, Path temp, FileChannel channel) {
        this.dir = dir;
        this.temp = temp;
        this.channel = channel;
    }

    /** Starts a plot in {@code dir} (a temporary file until {@link #finish}). */
    static PlotWriter create(Path dir) throws IOException {
        // 0644: plots hold public content, and operators inspect and serve them with other tools
        Path temp = AtomicFiles.createTemporary(dir.resolve(TEMP_STEM), "rw-r--r--");
        FileChannel ch = null;
        try {
            ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.READ);
            // held until the channel closes: tells StorageEngine.open in another process that this
            // temporary file is being written, not left over from a crash
            ch.lock();
            WRITING.add(temp.toAbsolutePath().normalize());
            return new PlotWriter(dir, temp, ch);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    Path dir() {
        return dir;
    }

    Path tempFile() {
        return temp;
    }

    static long alignUp(long v) {
        return (v + PAGE - 1) & -PAGE;
    }

    /** Appends one capsule's stored bytes at the next page boundary; returns its offset. */
    long append(Bytes32 datastoreId, int index, int size, Bytes32 hash, Bytes32 chunkRoot, byte[] chunkHashes,
                byte[] stored, int storedLength, Compression codec) throws IOException {
        if (chunkHashes.length != 32 * chunkCount(size)) {
            throw new IllegalArgumentException("capsule " + index + " of " + size + " bytes needs " + chunkCount(size) + " chunk hashes");
        }
        long offset = alignUp(position);
        writeFully(ByteBuffer.wrap(stored, 0, storedLength), offset);
        position = offset + storedLength;
        unflushed += storedLength;
        if (unflushed >= FLUSH_EVERY) {
            // start the disk on what is written while the other threads hash the next capsules, instead of
            // leaving all of it to the final fsync (which then finds little left to do)
            channel.force(false);
            unflushed = 0;
        }
        records.add(new Record(datastoreId, index, size, hash, offset, storedLength, codec, chunkRoot, chunkHashes));
        return offset;
    }

    /**
     * Moves the write position forward to {@code offset} without writing: the gap stays a hole in a
     * sparse file. Used by tests to build plots larger than 2 GiB that take little disk.
     */
    void skipTo(long offset) {
        if (offset < position) {
            throw new IllegalArgumentException("cannot skip backwards from " + position + " to " + offset);
        }
        position = offset;
    }

    static int chunkCount(long size) {
        return (int) ((size + PAGE - 1) / PAGE);
    }

    /**
     * Writes the tables and the header, makes the file durable and renames it to its final name.
     * On failure the temporary file is deleted.
     */
    Written finish(NodeIdentity node, long creationTime, List<Manifest> manifests) throws IOException {
        Objects.requireNonNull(node, "node identity");
        try {
            long dataEnd = position;
            List<byte[]> tables = buildTables(manifests);
            int[] pointers = new int[TABLES];
            long[] lengths = new long[TABLES];
            byte[][] hashes = new byte[TABLES][];
            long at = alignUp(dataEnd);
            long c4Start = 0;
            for (int t = 0; t < TABLES; t++) {
                byte[] table = t < tables.size() ? tables.get(t) : null;
                if (table == null) {
                    hashes[t] = new byte[32];
                    continue;
                }
                long page = at / PAGE;
                if (page > 0xFFFF_FFFFL) {
                    throw new IOException("plot exceeds 16 TiB");
                }
                pointers[t] = (int) page;
                lengths[t] = table.length;
                hashes[t] = Sha256.hash(table).toArray();
                if (t == 3) {
                    c4Start = at;
                }
                writeFully(ByteBuffer.wrap(table), at);
                at = alignUp(at + table.length);
            }
            long fileSize = at;
            byte[] header = header(node, creationTime, pointers, lengths, hashes, dataEnd);
            Bytes32 plotId = Bytes32.wrap(header, 16);
            writeFully(ByteBuffer.wrap(header), 0);
            if (channel.size() < fileSize) {
                // the last table ends mid-page: extend with zeros so the file is whole pages
                writeFully(ByteBuffer.allocate((int) (fileSize - channel.size())), channel.size());
            }
            channel.force(true);
            Path target = dir.resolve(plotId.toHex().substring(2) + PLOT_SUFFIX);
            if (beforePublish != null) {
                beforePublish.run();
            }
            // still holding the lock: nobody may take the temporary file for an abandoned one mid-publish
            publish(temp, target);
            done = true;
            close();
            return new Written(plotId, target, fileSize, records.size(), creationTime, List.copyOf(records), c4Start);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Gives the temporary file its final name without ever replacing an existing plot
     * ({@link AtomicFiles.Publish#CREATE_NEW}); a crash in between leaves a temporary file that
     * {@link StorageEngine#open} deletes.
     */
    private static void publish(Path temp, Path target) throws IOException {
        try {
            AtomicFiles.commit(temp, target, AtomicFiles.Publish.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null, "an identical plot already exists");
        }
    }

    private List<byte[]> buildTables(List<Manifest> manifests) {
        int n = records.size();
        ByteBuffer c1 = ByteBuffer.allocate(C1_RECORD * n);
        ByteBuffer c2 = ByteBuffer.allocate(C2_RECORD * n);
        ByteBuffer c3 = ByteBuffer.allocate(32 * n);
        int chunkBytes = 0;
        for (Record r : records) {
            chunkBytes += r.chunkHashes().length;
        }
        ByteBuffer c4 = ByteBuffer.allocate(chunkBytes);
        for (Record r : records) {
            r.datastoreId().writeTo(c1);
            c1.putInt(r.index()).putInt(r.size());
            r.hash().writeTo(c1);
            c1.putLong(r.offset());
            c2.putInt(r.storedLength()).put(r.codec().code()).put(new byte[3]);
            r.chunkRoot().writeTo(c3);
            c4.put(r.chunkHashes());
        }
        List<Manifest> sorted = new ArrayList<>(manifests);
        sorted.sort((a, b) -> a.datastoreId().compareTo(b.datastoreId()));
        List<byte[]> encoded = new ArrayList<>();
        int size = 4;
        for (Manifest m : sorted) {
            byte[] e = m.encode();
            encoded.add(e);
            size += 4 + e.length;
        }
        ByteBuffer c5 = ByteBuffer.allocate(size);
        c5.putInt(encoded.size());
        for (byte[] e : encoded) {
            c5.putInt(e.length).put(e);
        }
        List<byte[]> tables = new ArrayList<>();
        tables.add(c1.array());
        tables.add(c2.array());
        tables.add(c3.array());
        tables.add(c4.array());
        tables.add(c5.array());
        return tables;
    }

    private static byte[] header(NodeIdentity node, long creationTime, int[] pointers, long[] lengths, byte[][] hashes,
                                 long dataEnd) {
        byte[] commitmentInput = new byte[32 * TABLES];
        for (int t = 0; t < TABLES; t++) {
            System.arraycopy(hashes[t], 0, commitmentInput, 32 * t, 32);
        }
        Bytes32 commitment = Sha256.hash(commitmentInput);
        byte[] pub = node.publicKey();
        Bytes32 plotId = Sha256.hash(pub, commitment.toArray(), ByteBuffer.allocate(8).putLong(creationTime).array());
        ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE);
        h.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(creationTime);
        plotId.writeTo(h);
        h.putInt(lengths[0] == 0 ? 0 : (int) (lengths[0] / C1_RECORD));
        for (int p : pointers) {
            h.putInt(p);
        }
        h.putInt(0).putInt(HEADER_SIZE).put(pub);
        commitment.writeTo(h);
        h.putLong(HEADER_SIZE).putLong(dataEnd);
        for (int t = 0; t < TABLES; t++) {
            h.putLong(lengths[t]).put(hashes[t]);
        }
        byte[] bytes = h.array();
        byte[] signed = java.util.Arrays.copyOf(bytes, SIGNED_HEADER_BYTES);
        System.arraycopy(node.sign(signed), 0, bytes, SIGNED_HEADER_BYTES, 64);
        Sha256.hash(bytes, 0, HEADER_HASH_OFFSET).copyTo(bytes, HEADER_HASH_OFFSET);
        return bytes;
    }

    private void writeFully(ByteBuffer buf, long at) throws IOException {
        long p = at;
        while (buf.hasRemaining()) {
            p += channel.write(buf, p);
        }
    }

    /** Abandons an unfinished plot: closes and deletes the temporary file. */
    @Override
    public void close() throws IOException {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } finally {
            try {
                if (!done) {
                    Files.deleteIfExists(temp);
                }
            } finally {
                WRITING.remove(temp.toAbsolutePath().normalize());
            }
        }
    }

    /** Whether this process is writing {@code temp} right now. */
    static boolean beingWritten(Path temp) {
        return WRITING.contains(temp.toAbsolutePath().normalize());
    }
}
