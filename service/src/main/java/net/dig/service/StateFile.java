package net.dig.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.Sha256;

/**
 * A small binary file in which an in-memory table of this package outlives the process ({@link ReadRatesFile},
 * {@link CacheMode}'s read counts): one frame, read once at start, written whole through {@link AtomicFiles} at most
 * once every {@link #SAVE_EVERY_MILLIS} of the owner's clock while the table changes, and at a clean stop.
 *
 * <h2>Frame</h2>
 * Big-endian: {@code u32 magic | u32 format version | body | 32 SHA-256 of every byte before it}. The owner draws its
 * magic, version and body.
 *
 * <h2>Saving</h2>
 * The owner counts its changes ({@code changes}, never decreasing); {@link #tick} saves when the count moved since
 * the last save and that save (or the opening) is at least a minute old, {@link #close} when it moved at all. A save
 * that fails is logged and tried again at the next tick. Thread-safe: saves are serialised; {@link #tick} and
 * {@link #close} block on the disk.
 */
final class StateFile implements AutoCloseable {
    static final long SAVE_EVERY_MILLIS = 60_000;
    private static final int HEADER = 8;
    private static final System.Logger LOG = System.getLogger(StateFile.class.getName());

    private final Path file;
    private final int magic;
    private final int version;
    private final Clock clock;
    private final LongSupplier changes;
    private final Supplier<byte[]> body;
    /** {@code changes} when the file last matched the table (a table read back from the file starts at its own 0). */
    private long saved;
    private long savedNanos;

    /** Saves {@code body()} framed as {@code magic}, {@code version} in {@code file}, as {@code changes} moves. */
    StateFile(Path file, int magic, int version, Clock clock, LongSupplier changes, Supplier<byte[]> body) {
        this.file = Objects.requireNonNull(file, "file");
        this.magic = magic;
        this.version = version;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.changes = Objects.requireNonNull(changes, "changes");
        this.body = Objects.requireNonNull(body, "body");
        this.savedNanos = clock.nanos();
    }

    /**
     * The body the file holds, empty when there is none; empty too, logged as {@code event}, when it cannot be read or
     * is not a whole frame of this magic and version (the next save replaces it).
     */
    Optional<ByteBuffer> read(String event) {
        try {
            return Optional.of(open(Files.readAllBytes(file), magic, version));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            ignored(event, e);
            return Optional.empty();
        }
    }

    /** Logs that {@code file} is not used ({@code why}), the table starting empty. */
    void ignored(String event, Exception why) {
        LOG.log(System.Logger.Level.WARNING, event + ": " + file + " is not used, starting empty: " + why.getMessage());
    }

    synchronized void tick() {
        if (clock.nanos() - savedNanos >= TimeUnit.MILLISECONDS.toNanos(SAVE_EVERY_MILLIS) && changes.getAsLong() != saved) {
            save();
        }
    }

    @Override
    public synchronized void close() {
        if (changes.getAsLong() != saved) {
            save();
        }
    }

    private void save() {
        long now = changes.getAsLong();
        byte[] bytes = seal(magic, version, body.get());
        savedNanos = clock.nanos();
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, bytes, AtomicFiles.Publish.REPLACE);
            saved = now;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "state_file_not_saved: cannot write " + file + ": " + e.getMessage());
        }
    }

    /** {@code body} in a frame of {@code magic} and {@code version}. */
    static byte[] seal(int magic, int version, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + body.length + 32).putInt(magic).putInt(version).put(body);
        b.put(Sha256.hash(b.array(), 0, b.position()).toArray());
        return b.array();
    }

    /** The body of a whole frame of {@code magic} and {@code version}; {@link IllegalArgumentException} otherwise. */
    static ByteBuffer open(byte[] bytes, int magic, int version) {
        if (bytes.length < HEADER + 32) {
            throw new IllegalArgumentException("truncated: " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt() != magic) {
            throw new IllegalArgumentException("wrong magic");
        }
        int found = b.getInt();
        if (found != version) {
            throw new IllegalArgumentException("unknown format version " + Integer.toUnsignedString(found));
        }
        if (!Sha256.hash(bytes, 0, bytes.length - 32).equals(Bytes32.wrap(bytes, bytes.length - 32))) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        return b.limit(bytes.length - 32).slice();
    }
}
