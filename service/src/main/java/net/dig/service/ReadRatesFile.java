package net.dig.service;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.dig.core.Bytes32;
import net.dig.core.Clock;

/**
 * Keeps a node's {@link ReadRates} across restarts (docs/decisions.md D63b): read once when opened, written whole
 * through {@link net.dig.core.AtomicFiles} at most once a minute (by {@link #tick}, on the node's clock) while reads
 * were counted, and once more by {@link #close} at a clean stop ({@link StateFile}). A crash loses at most the last
 * minute's reads.
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
 * 1, or that holds an invalid count, or one that cannot be read, is logged ({@code read_rates_ignored}) and ignored:
 * the node starts with no counts, as before this file existed, and the next save replaces it. A save that fails is
 * logged; the counts stay in memory and the next tick tries again. Thread-safe; {@link #tick} and {@link #close}
 * block on the disk, so call them off event loops.
 */
public final class ReadRatesFile implements AutoCloseable {
    static final int MAGIC = 0x44494752;
    static final int VERSION = 1;
    private static final int ENTRY = 32 + 8 + 8;

    private final StateFile file;

    private ReadRatesFile(StateFile file) {
        this.file = file;
    }

    /** Restores into {@code rates} what {@code file} holds, if it reads back whole; from then on saves them there. */
    public static ReadRatesFile open(Path file, ReadRates rates, Clock clock) {
        Objects.requireNonNull(rates, "rates");
        StateFile state = new StateFile(file, MAGIC, VERSION, clock, rates::reads, () -> encodeBody(rates.snapshot()));
        state.read("read_rates_ignored").ifPresent(body -> {
            try {
                rates.restore(decodeBody(body));
            } catch (IllegalArgumentException e) {
                state.ignored("read_rates_ignored", e);
            }
        });
        return new ReadRatesFile(state);
    }

    /** Saves the rates if reads were counted since the last save and that save is at least a minute old. */
    public void tick() {
        file.tick();
    }

    /** Saves the rates if reads were counted since the last save (a clean stop). */
    @Override
    public void close() {
        file.close();
    }

    static byte[] encode(List<ReadRates.Entry> entries) {
        return StateFile.seal(MAGIC, VERSION, encodeBody(entries));
    }

    /** The entries a whole file holds; {@link IllegalArgumentException} when it is not one of version 1. */
    static List<ReadRates.Entry> decode(byte[] bytes) {
        return decodeBody(StateFile.open(bytes, MAGIC, VERSION));
    }

    private static byte[] encodeBody(List<ReadRates.Entry> entries) {
        ByteBuffer b = ByteBuffer.allocate(4 + ENTRY * entries.size()).putInt(entries.size());
        for (ReadRates.Entry e : entries) {
            b.put(e.datastoreId().toArray()).putDouble(e.count()).putLong(e.atMillis());
        }
        return b.array();
    }

    private static List<ReadRates.Entry> decodeBody(ByteBuffer b) {
        int n = b.remaining() < 4 ? -1 : b.getInt();
        if (n < 0 || n > ReadRates.MAX_TRACKED || b.remaining() != (long) ENTRY * n) {
            throw new IllegalArgumentException("the body does not hold " + Integer.toUnsignedString(n) + " entries");
        }
        List<ReadRates.Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new ReadRates.Entry(Bytes32.read(b), b.getDouble(), b.getLong()));
        }
        return entries;
    }
}
