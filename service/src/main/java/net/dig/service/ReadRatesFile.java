package net.dig.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.Sha256;

/**
 * Keeps a node's {@link ReadRates} across restarts (docs/decisions.md D63b): read once when opened, written whole
 * through {@link AtomicFiles} at most once every {@link #SAVE_EVERY_MILLIS} (by {@link #tick}, on the node's clock)
 * while reads were counted, and once more by {@link #close} at a clean stop. A crash loses at most the last minute's
 * reads.
 *
 * <h2>Format</h2>
 * Big-endian:
 * <pre>
 *   u32 magic "DIGR" (0x44494752) | u32 format version = 1 | u32 n (at most ReadRates.MAX_TRACKED)
 *   n times, the datastore read least recently first:
 *     32 datastore id | f64 count (IEEE 754, finite, not negative) | u64 time of its last read (Unix millis)
 *   32 SHA-256 of every byte before it
 * </pre>
 * A count is stored as of its last read, undecayed: read back, it decays from that time, the stop included. The
 * order keeps which datastore {@link ReadRates} forgets first.
 *
 * <h2>Failure modes</h2>
 * A file that is missing starts with no counts. One whose magic, length or checksum is wrong, whose version is not
 * 1, or that holds an invalid count, or one that cannot be read, is logged and ignored: the node starts with no
 * counts, as before this file existed, and the next save replaces it. A save that fails is logged; the counts stay
 * in memory and the next tick tries again. Thread-safe; {@link #tick} and {@link #close} block on the disk, so call
 * them off event loops.
 */
public final class ReadRatesFile implements AutoCloseable {
    static final int MAGIC = 0x44494752;
    static final int VERSION = 1;
    static final long SAVE_EVERY_MILLIS = 60_000;
    private static final int HEADER = 12;
    private static final int ENTRY = 32 + 8 + 8;
    private static final System.Logger LOG = System.getLogger(ReadRatesFile.class.getName());

    private final Path file;
    private final ReadRates rates;
    private final Clock clock;
    /** {@link ReadRates#reads} when the file last matched the rates (the reads since they were made are not in it). */
    private long savedReads;
    private long savedNanos;

    private ReadRatesFile(Path file, ReadRates rates, Clock clock) {
        this.file = file;
        this.rates = rates;
        this.clock = clock;
        this.savedNanos = clock.nanos();
    }

    /** Restores into {@code rates} what {@code file} holds, if it reads back whole; from then on saves them there. */
    public static ReadRatesFile open(Path file, ReadRates rates, Clock clock) {
        ReadRatesFile f = new ReadRatesFile(Objects.requireNonNull(file, "file"), Objects.requireNonNull(rates, "rates"),
                Objects.requireNonNull(clock, "clock"));
        try {
            rates.restore(decode(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            // nothing saved yet
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "read_rates_ignored: " + file + " is not used, read rates start empty: "
                    + e.getMessage());
        }
        return f;
    }

    /** Saves the rates if reads were counted since the last save and that save is at least a minute old. */
    public synchronized void tick() {
        if (clock.nanos() - savedNanos >= TimeUnit.MILLISECONDS.toNanos(SAVE_EVERY_MILLIS) && rates.reads() != savedReads) {
            save();
        }
    }

    /** Saves the rates if reads were counted since the last save (a clean stop). */
    @Override
    public synchronized void close() {
        if (rates.reads() != savedReads) {
            save();
        }
    }

    private void save() {
        long reads = rates.reads();
        byte[] bytes = encode(rates.snapshot());
        savedNanos = clock.nanos();
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, bytes, AtomicFiles.Publish.REPLACE);
            savedReads = reads;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "read_rates_not_saved: cannot write " + file + ": " + e.getMessage());
        }
    }

    static byte[] encode(List<ReadRates.Entry> entries) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + ENTRY * entries.size() + 32);
        b.putInt(MAGIC).putInt(VERSION).putInt(entries.size());
        for (ReadRates.Entry e : entries) {
            b.put(e.datastoreId().toArray()).putDouble(e.count()).putLong(e.atMillis());
        }
        b.put(Sha256.hash(b.array(), 0, b.position()).toArray());
        return b.array();
    }

    /** The entries {@code bytes} holds; {@link IllegalArgumentException} when they are not a whole file of version 1. */
    static List<ReadRates.Entry> decode(byte[] bytes) {
        if (bytes.length < HEADER + 32) {
            throw new IllegalArgumentException("truncated: " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a read-rates file");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown format version " + Integer.toUnsignedString(version));
        }
        int n = b.getInt();
        if (n < 0 || n > ReadRates.MAX_TRACKED || bytes.length != HEADER + (long) ENTRY * n + 32) {
            throw new IllegalArgumentException("length " + bytes.length + " does not fit " + Integer.toUnsignedString(n)
                    + " entries");
        }
        if (!Sha256.hash(bytes, 0, bytes.length - 32).equals(Bytes32.wrap(bytes, bytes.length - 32))) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        List<ReadRates.Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new ReadRates.Entry(Bytes32.read(b), b.getDouble(), b.getLong()));
        }
        return entries;
    }
}
