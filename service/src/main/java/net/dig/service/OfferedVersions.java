package net.dig.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;

/**
 * The latest version of each datastore this node has offered to its peers, kept across restarts, so a
 * version committed while the node ran no peer network (a {@code dig-node datastore add} on a stopped
 * node) or while no peer answered is offered on the next start ({@link ReplicationService}).
 *
 * <h2>Format</h2>
 * One UTF-8 text file, one line per datastore, rewritten whole through {@link AtomicFiles} at each
 * mark (a crash leaves the old file or the new one, never a torn one):
 * <pre>
 * 0x&lt;64 hex: datastore id&gt; SP &lt;decimal version&gt; LF
 * </pre>
 * A line that does not parse is skipped: at worst its version is offered once more.
 *
 * <p>Thread-safe. A write that fails is logged and kept in memory: the version counts as offered for this
 * run and is offered again after a restart.
 */
public final class OfferedVersions {
    private final Path file;
    private final Map<Bytes32, Long> offered = new HashMap<>();

    private OfferedVersions(Path file) {
        this.file = file;
    }

    /** Marks kept in memory only (tests, a node without a home). */
    public static OfferedVersions inMemory() {
        return new OfferedVersions(null);
    }

    /** The marks of {@code file}, created at the first mark if absent. */
    public static OfferedVersions open(Path file) {
        OfferedVersions v = new OfferedVersions(Objects.requireNonNull(file, "file"));
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.strip().split(" ");
                try {
                    if (parts.length == 2) {
                        v.offered.merge(Bytes32.fromHex(parts[0]), Long.parseLong(parts[1]), Math::max);
                    }
                } catch (IllegalArgumentException e) {
                    // a line that does not parse is offered again
                }
            }
        } catch (NoSuchFileException e) {
            // nothing offered yet
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.UNAVAILABLE, "cannot read the offered versions " + file + ": " + e.getMessage(), e);
        }
        return v;
    }

    /** Whether {@code version} of {@code datastoreId}, or a later one, was offered. */
    public synchronized boolean offered(Bytes32 datastoreId, long version) {
        return offered.getOrDefault(datastoreId, -1L) >= version;
    }

    /** Records that {@code version} of {@code datastoreId} reached at least one peer. */
    public void mark(Bytes32 datastoreId, long version) {
        synchronized (this) {
            if (offered(datastoreId, version)) {
                return;
            }
            offered.put(datastoreId, version);
            if (file == null) {
                return;
            }
            StringBuilder out = new StringBuilder();
            offered.forEach((id, v) -> out.append(id.toHex()).append(' ').append(v).append('\n'));
            byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
            try {
                Files.createDirectories(file.getParent());
                AtomicFiles.write(file, bytes, AtomicFiles.Publish.REPLACE);
            } catch (IOException e) {
                System.getLogger(OfferedVersions.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot record the offered versions in " + file + ": " + e.getMessage());
            }
        }
    }
}
