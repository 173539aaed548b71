package net.dig.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.dig.core.AtomicFiles;
import net.dig.core.Bytes32;
import net.dig.core.Sha256;

/**
 * The L2 tier: a size-bounded directory of decompressed capsules, one file per capsule named by the
 * 64-hex SHA-256 of its bytes (content-addressed, so two datastores sharing a capsule share the file).
 * Files are served with {@code sendFile} (zero copy).
 *
 * <p>Writes go through {@link AtomicFiles#write} ({@code REPLACE}: temporary file, fsync, rename over
 * the final name, fsync of the directory); a crash leaves at most a temporary file, deleted at the
 * next open. The bound is kept
 * by a Caffeine W-TinyLFU policy weighed in bytes; an evicted entry's file is deleted synchronously.
 * On open the directory is re-indexed (oldest files first). A file deleted while being served is still
 * readable by the open sendFile (POSIX unlink semantics).
 *
 * <p>Presence is known in memory only ({@link #verifiedPath} touches no file system, so it is safe on
 * an event loop). Bytes are hash-checked when they enter the tier, and a file found at open (written
 * by an earlier run, possibly rotted since) is hash-checked once by {@link #read} on a worker before
 * it is ever served or promoted; a file that fails is deleted and its entry dropped, so the caller
 * refetches from the plot. A verified file is then sent with zero copies, not re-hashed per request;
 * clients verify {@code X-Capsule-Hash} themselves.
 */
final class DiskCapsuleCache {
    private static final Pattern NAME = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;
    private final Cache<Bytes32, Long> entries;
    /** Entries whose file was written or hash-checked by this process. */
    private final Set<Bytes32> verified = ConcurrentHashMap.newKeySet();

    DiskCapsuleCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(Math.max(1, maxBytes))
                .weigher((Bytes32 k, Long size) -> (int) Math.min(Integer.MAX_VALUE, size))
                .evictionListener((Bytes32 k, Long size, RemovalCause cause) -> {
                    verified.remove(k);
                    deleteQuietly(file(k));
                })
                .executor(Runnable::run)
                .build();
        try {
            Files.createDirectories(dir);
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (AtomicFiles.isTemporary(p) || name.endsWith(".tmp")) {
                        deleteQuietly(p);
                    } else if (NAME.matcher(name).matches() && Files.isRegularFile(p)) {
                        found.add(p);
                    }
                }
            }
            found.sort(Comparator.comparing(DiskCapsuleCache::modified));
            for (Path p : found) {
                entries.put(Bytes32.fromHex(p.getFileName().toString()), Files.size(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the L2 capsule cache at " + dir + ": " + e.getMessage(), e);
        }
    }

    /** In memory only (event-loop safe): the file of {@code hash} if it is present and known sound. */
    Optional<Path> verifiedPath(Bytes32 hash) {
        return verified.contains(hash) && entries.getIfPresent(hash) != null ? Optional.of(file(hash)) : Optional.empty();
    }

    /**
     * Blocking: the bytes of {@code hash} from its file, checked against the hash (the file is then known
     * sound); {@code null} if there is no entry, or the file is gone, unreadable or rotted (then the
     * entry and the file are dropped).
     */
    byte[] read(Bytes32 hash) {
        if (entries.getIfPresent(hash) == null) {
            return null;
        }
        Path p = file(hash);
        try {
            byte[] bytes = Files.readAllBytes(p);
            if (Sha256.hash(bytes).equals(hash)) {
                verified.add(hash);
                return bytes;
            }
        } catch (IOException e) {
            // gone or unreadable: dropped below like a rotted file
        }
        drop(hash);
        return null;
    }

    /** Forgets an entry and deletes its file. */
    void drop(Bytes32 hash) {
        verified.remove(hash);
        entries.invalidate(hash);
        deleteQuietly(file(hash));
    }

    /** Stores the (already hash-checked) bytes; blocking, call from a worker. Failures only lose the entry. */
    void put(Bytes32 hash, byte[] bytes) {
        if (verified.contains(hash) && entries.getIfPresent(hash) != null) {
            return;
        }
        try {
            AtomicFiles.write(file(hash), bytes, AtomicFiles.Publish.REPLACE);
            entries.put(hash, (long) bytes.length);
            verified.add(hash);
        } catch (IOException e) {
            // the entry is lost; AtomicFiles removed its temporary file
        }
    }

    long weightedBytes() {
        return entries.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
    }

    long entryCount() {
        return entries.estimatedSize();
    }

    Path file(Bytes32 hash) {
        return dir.resolve(hash.toHex().substring(2));
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover file is re-indexed or overwritten later
        }
    }
}
