package net.dig.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
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
 * Everything is written to a temporary file {@code .plot.*.tmp} in the target directory, except the
 * chunk hashes, which stream to a second locked temporary file {@code .c4.*.tmp} beside it (hashed on the
 * way) and are copied into the plot as table C4 at {@link #finish}: memory stays bounded by the per-capsule
 * records whatever the plot's size. Then
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
    /** The C4 table file streamed beside a temporary plot: {@code .c4.<random>.tmp}. */
    static final String C4_TEMP_STEM = "c4";
    /** C1..C5; C6 and C7 are reserved (absent) in version 1. */
    static final int PRESENT_TABLES = 5;
    static final String PLOT_SUFFIX = ".plot";

    /**
     * Temporary files being written by this process. Consulted before the file lock, because probing the
     * lock opens and closes a second channel on the file, and closing any channel drops every POSIX lock
     * this process holds on it.
     */
    private static final java.util.Set<Path> WRITING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Bytes of capsule data written between intermediate flushes. */
    static final long FLUSH_EVERY = 64L << 20;
    /** Buffer of the streamed tables (C1..C4) before they go to disk. */
    private static final int TABLE_BUFFER = 1 << 20;

    private final Path dir;
    private final Path temp;
    private final FileChannel channel;
    private final Path c4Temp;
    private final FileChannel c4;
    private final ByteBuffer c4Buffer = ByteBuffer.allocate(TABLE_BUFFER);
    private final MessageDigest c4Digest = Sha256.newDigest();
    private long c4Length;
    private long position = HEADER_SIZE;
    private long unflushed;
    private final List<Record> records = new ArrayList<>();
    private boolean done;
    /** Tests: runs just before the plot gets its final name. */
    Runnable beforePublish;

    /** One capsule's C1..C3 fields; its chunk hashes are already in the C4 table file. */
    record Record(Bytes32 datastoreId, int index, int size, Bytes32 hash, long offset, int storedLength,
                  Compression codec, Bytes32 chunkRoot) {}

    /** The finished plot. */
    record Written(Bytes32 plotId, Path path, long sizeBytes, int capsuleCount, long creationTime) {}

    private PlotWriter(Path dir, Path temp, FileChannel channel, Path c4Temp, FileChannel c4) {
        this.dir = dir;
        this.temp = temp;
        this.channel = channel;
        this.c4Temp = c4Temp;
        this.c4 = c4;
    }

    /** Starts a plot in {@code dir} (a temporary file until {@link #finish}). */
    static PlotWriter create(Path dir) throws IOException {
        List<Path> temps = new ArrayList<>(2);
        List<FileChannel> channels = new ArrayList<>(2);
        try {
            for (String stem : new String[] {TEMP_STEM, C4_TEMP_STEM}) {
                // 0644: plots hold public content, and operators inspect and serve them with other tools
                Path temp = AtomicFiles.createTemporary(dir.resolve(stem), "rw-r--r--");
                temps.add(temp);
                FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.READ);
                channels.add(ch);
                // held until the channel closes: tells StorageEngine.open in another process that this
                // temporary file is being written, not left over from a crash
                ch.lock();
                WRITING.add(temp.toAbsolutePath().normalize());
            }
            return new PlotWriter(dir, temps.get(0), channels.get(0), temps.get(1), channels.get(1));
        } catch (IOException | RuntimeException e) {
            for (FileChannel ch : channels) {
                ch.close();
            }
            for (Path t : temps) {
                WRITING.remove(t.toAbsolutePath().normalize());
                Files.deleteIfExists(t);
            }
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
        if (chunkHashes.length != 32L * chunkCount(size)) {
            throw new IllegalArgumentException("capsule " + index + " of " + size + " bytes needs " + chunkCount(size) + " chunk hashes");
        }
        long offset = alignUp(position);
        writeFully(channel, ByteBuffer.wrap(stored, 0, storedLength), offset);
        position = offset + storedLength;
        unflushed += storedLength;
        if (unflushed >= FLUSH_EVERY) {
            // start the disk on what is written while the other threads hash the next capsules, instead of
            // leaving all of it to the final fsync (which then finds little left to do)
            channel.force(false);
            unflushed = 0;
        }
        appendChunkHashes(chunkHashes);
        records.add(new Record(datastoreId, index, size, hash, offset, storedLength, codec, chunkRoot));
        return offset;
    }

    private void appendChunkHashes(byte[] hashes) throws IOException {
        c4Digest.update(hashes);
        for (int done = 0; done < hashes.length; ) {
            if (!c4Buffer.hasRemaining()) {
                flushC4();
            }
            int n = Math.min(c4Buffer.remaining(), hashes.length - done);
            c4Buffer.put(hashes, done, n);
            done += n;
        }
    }

    private void flushC4() throws IOException {
        c4Buffer.flip();
        int n = c4Buffer.remaining();
        writeFully(c4, c4Buffer, c4Length);
        c4Length += n;
        c4Buffer.clear();
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
     * On failure the temporary files are deleted.
     */
    Written finish(NodeIdentity node, long creationTime, List<Manifest> manifests) throws IOException {
        Objects.requireNonNull(node, "node identity");
        try {
            long dataEnd = position;
            int[] pointers = new int[TABLES];
            long[] lengths = new long[TABLES];
            byte[][] hashes = new byte[TABLES][];
            long at = alignUp(dataEnd);
            for (int t = 0; t < TABLES; t++) {
                if (t >= PRESENT_TABLES) {
                    hashes[t] = new byte[32];
                    continue;
                }
                long page = at / PAGE;
                if (page > 0xFFFF_FFFFL) {
                    throw new IOException("plot exceeds 16 TiB");
                }
                pointers[t] = (int) page;
                MessageDigest d = t == 3 ? c4Digest : Sha256.newDigest();
                lengths[t] = t == 3 ? copyC4(at) : writeTable(t, at, d, manifests);
                hashes[t] = d.digest();
                at = alignUp(at + lengths[t]);
            }
            closeAndDelete(c4, c4Temp, true); // copied into the plot: only the plot itself is left to publish
            long fileSize = at;
            byte[] header = header(node, creationTime, pointers, lengths, hashes, dataEnd);
            Bytes32 plotId = Bytes32.wrap(header, 16);
            writeFully(channel, ByteBuffer.wrap(header), 0);
            if (channel.size() < fileSize) {
                // the last table ends mid-page: extend with zeros so the file is whole pages
                writeFully(channel, ByteBuffer.allocate((int) (fileSize - channel.size())), channel.size());
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
            return new Written(plotId, target, fileSize, records.size(), creationTime);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Copies the C4 table file into the plot at byte {@code at}; returns its length. */
    private long copyC4(long at) throws IOException {
        if (c4Buffer.position() > 0) {
            flushC4();
        }
        channel.position(at);
        for (long copied = 0; copied < c4Length; ) {
            long n = c4.transferTo(copied, c4Length - copied, channel);
            if (n <= 0) {
                throw new IOException("chunk hash table " + c4Temp + " ended at byte " + copied + " of " + c4Length);
            }
            copied += n;
        }
        return c4Length;
    }

    /** Streams table C1, C2, C3 or C5 into the plot at byte {@code at}, through {@code digest}; returns its length. */
    private long writeTable(int t, long at, MessageDigest digest, List<Manifest> manifests) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(TABLE_BUFFER);
        long written = 0;
        if (t == 4) {
            List<Manifest> sorted = new ArrayList<>(manifests);
            sorted.sort((x, y) -> x.datastoreId().compareTo(y.datastoreId()));
            List<byte[]> encoded = new ArrayList<>();
            int size = 4;
            for (Manifest m : sorted) {
                byte[] e = m.encode();
                encoded.add(e);
                size = Math.addExact(size, 4 + e.length);
            }
            b = ByteBuffer.allocate(size).putInt(encoded.size());
            for (byte[] e : encoded) {
                b.putInt(e.length).put(e);
            }
        } else {
            for (Record r : records) {
                if (b.remaining() < C1_RECORD) {
                    written += drain(b, at + written, digest);
                }
                switch (t) {
                    case 0 -> {
                        r.datastoreId().writeTo(b);
                        b.putInt(r.index()).putInt(r.size());
                        r.hash().writeTo(b);
                        b.putLong(r.offset());
                    }
                    case 1 -> b.putInt(r.storedLength()).put(r.codec().code()).put(new byte[3]);
                    default -> r.chunkRoot().writeTo(b);
                }
            }
        }
        return written + drain(b, at + written, digest);
    }

    private long drain(ByteBuffer b, long at, MessageDigest digest) throws IOException {
        b.flip();
        int n = b.remaining();
        digest.update(b.duplicate());
        writeFully(channel, b, at);
        b.clear();
        return n;
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

    static byte[] header(NodeIdentity node, long creationTime, int[] pointers, long[] lengths, byte[][] hashes,
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

    private static void writeFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        long p = at;
        while (buf.hasRemaining()) {
            p += ch.write(buf, p);
        }
    }

    /** Abandons an unfinished plot: closes and deletes the temporary file. */
    @Override
    public void close() throws IOException {
        try {
            closeAndDelete(c4, c4Temp, true);
        } finally {
            closeAndDelete(channel, temp, !done);
        }
    }

    private static void closeAndDelete(FileChannel ch, Path file, boolean delete) throws IOException {
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } finally {
            try {
                if (delete) {
                    Files.deleteIfExists(file);
                }
            } finally {
                WRITING.remove(file.toAbsolutePath().normalize());
            }
        }
    }

    /** Marks {@code temp} as being written by this process (a copy of a plot on its way to another directory). */
    static void writing(Path temp) {
        WRITING.add(temp.toAbsolutePath().normalize());
    }

    /** Undoes {@link #writing}. */
    static void written(Path temp) {
        WRITING.remove(temp.toAbsolutePath().normalize());
    }

    /** Whether this process is writing {@code temp} right now. */
    static boolean beingWritten(Path temp) {
        return WRITING.contains(temp.toAbsolutePath().normalize());
    }
}
