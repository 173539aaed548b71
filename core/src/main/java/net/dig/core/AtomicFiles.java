package net.dig.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The one way this project makes a file appear whole or not at all.
 *
 * <p>Every durable write follows the same four steps: write a temporary file in the target's
 * directory, {@code fsync} it, give it its final name in one atomic step, {@code fsync} the directory
 * so the new name survives a power cut. A reader therefore sees the old file, the new file or (for
 * {@link Publish#CREATE_NEW}) no file, never a torn one.
 *
 * <p>Two ways to publish:
 * <ul>
 *   <li>{@link Publish#REPLACE}: an atomic rename over whatever is there (configuration, address
 *       books, cache entries).
 *   <li>{@link Publish#CREATE_NEW}: never replaces an existing file (keys, plots). A hard link fails
 *       with {@link FileAlreadyExistsException} when another process created the name first (a rename
 *       would silently replace it); file systems without hard links get a checked rename, which
 *       narrows that race but cannot close it.
 * </ul>
 *
 * <p>Failure modes: a file system that cannot rename atomically is an {@link IOException}, not a
 * silent fallback to a copy. A crash before the rename leaves a temporary file named
 * {@code .NAME.*.tmp}; owners that care sweep them at start-up with {@link #isTemporary}. Some
 * platforms cannot open a directory to {@code fsync} it; there the rename is still atomic and the
 * directory sync is skipped.
 */
public final class AtomicFiles {
    private static final String TEMP_SUFFIX = ".tmp";

    /** How a finished temporary file takes its final name. */
    public enum Publish {
        REPLACE,
        CREATE_NEW
    }

    private AtomicFiles() {}

    /** Writes {@code bytes} to {@code target} durably and atomically. */
    public static void write(Path target, byte[] bytes, Publish publish) throws IOException {
        write(target, bytes, publish, null);
    }

    /**
     * Writes {@code bytes} to {@code target} durably and atomically; {@code permissions} (for example
     * {@code "rw-------"}) are set on the temporary file at creation, so the content is never readable
     * with wider rights, or ignored where the file system has no POSIX permissions.
     */
    public static void write(Path target, byte[] bytes, Publish publish, String permissions) throws IOException {
        Path tmp = createTemporary(target, permissions);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            publish(tmp, target, publish);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates an empty temporary file beside {@code target}, for writers that stream into it themselves
     * and finish with {@link #commit}.
     */
    public static Path createTemporary(Path target, String permissions) throws IOException {
        Path dir = directoryOf(target);
        Files.createDirectories(dir);
        String prefix = "." + target.getFileName() + ".";
        if (permissions != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<Set<PosixFilePermission>> attr =
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions));
            return Files.createTempFile(dir, prefix, TEMP_SUFFIX, attr);
        }
        return Files.createTempFile(dir, prefix, TEMP_SUFFIX);
    }

    /**
     * Finishes a temporary file the caller has written and already forced: gives it its final name and
     * syncs the directory. The temporary name is gone afterwards whether this succeeds or not.
     */
    public static void commit(Path tmp, Path target, Publish publish) throws IOException {
        try {
            publish(tmp, target, publish);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** True for a name {@link #createTemporary} could have made: a leftover of a crash mid-write. */
    public static boolean isTemporary(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
    }

    /** Forces a directory's entries to disk; a no-op where the platform cannot open directories. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (AccessDeniedException | UnsupportedOperationException e) {
            // directories cannot be opened for reading here; the rename itself was atomic
        }
    }

    private static void publish(Path tmp, Path target, Publish publish) throws IOException {
        switch (publish) {
            case REPLACE -> {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot replace " + target + " atomically on this file system", e);
                }
            }
            case CREATE_NEW -> linkOrRename(tmp, target);
        }
        syncDirectory(directoryOf(target));
    }

    private static void linkOrRename(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof FileSystemException fse && !"Operation not permitted".equals(fse.getReason())
                    && !(e instanceof AccessDeniedException)) {
                throw fse;
            }
            if (Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException ae) {
                throw new IOException("cannot create " + target + " atomically on this file system", ae);
            }
        }
    }

    private static Path directoryOf(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("no directory above " + target);
        }
        return parent;
    }
}
