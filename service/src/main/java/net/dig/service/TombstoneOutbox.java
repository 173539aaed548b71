package net.dig.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.wire.NodePayload.DatastoreTombstone;

/**
 * The tombstones this node issued, kept in its home so they reach peers that connect later, and so a
 * {@code dig-node datastore delete} run while the node is stopped is sent when it next runs
 * (docs/decisions.md D40d3). One file per datastore, {@code <dir>/<datastore id hex>.tombstone}, 144 bytes:
 * <pre>
 *   size  field
 *   32    datastore id
 *   8     version (u64 BE)
 *   8     timestamp, unix seconds (u64 BE)
 *   32    owner Ed25519 public key
 *   64    owner signature
 * </pre>
 * Written atomically (replacing an older one of the same datastore). {@link #pending} drops files older
 * than {@code keepSeconds} and skips (and deletes) any that do not parse or verify. Thread-safe through
 * the file system; blocks on disk.
 */
public final class TombstoneOutbox {
    private static final int SIZE = 32 + 8 + 8 + 32 + 64;
    private static final String SUFFIX = ".tombstone";
    private final Path dir;
    private final Clock clock;
    private final long keepSeconds;

    public TombstoneOutbox(Path dir, Clock clock, long keepSeconds) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (keepSeconds < 1) {
            throw new IllegalArgumentException("tombstones are kept at least 1 s, not " + keepSeconds);
        }
        this.keepSeconds = keepSeconds;
    }

    /** Keeps {@code t} until it is older than the keep time. */
    public void add(DatastoreTombstone t) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).put(t.datastoreId().toArray()).putLong(t.version()).putLong(t.timestamp())
                .put(t.ownerPublicKey()).put(t.ownerSignature());
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(t.datastoreId().toHex().replace("0x", "") + SUFFIX), b.array(), AtomicFiles.Publish.REPLACE);
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "cannot keep the tombstone in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The tombstones still to be sent, oldest files dropped on the way. */
    public List<DatastoreTombstone> pending() {
        List<DatastoreTombstone> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        long now = clock.epochSeconds();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                DatastoreTombstone t = read(f);
                if (t == null || now - t.timestamp() > keepSeconds) {
                    Files.deleteIfExists(f);
                } else {
                    out.add(t);
                }
            }
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "cannot read the tombstones in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static DatastoreTombstone read(Path f) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        if (bytes.length != SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        Bytes32 id = Bytes32.read(b);
        long version = b.getLong();
        long timestamp = b.getLong();
        byte[] key = new byte[32];
        byte[] sig = new byte[64];
        b.get(key).get(sig);
        DatastoreTombstone t = new DatastoreTombstone(id, version, timestamp, key, sig);
        return t.signatureValid() ? t : null;
    }
}
