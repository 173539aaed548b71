package net.dig.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one place where {@link IOException} and {@link SQLException} become a {@link StorageException}
 * with its {@link StorageErrorCode}.
 *
 * <h2>How a code is chosen</h2>
 * <ul>
 *   <li>SQLite: the primary result code of {@link SQLiteException#getResultCode()} (or the vendor code
 *       of a plain {@link SQLException} from the driver): {@code SQLITE_BUSY} and {@code SQLITE_LOCKED}
 *       (with every extended variant) are {@link StorageErrorCode#INDEX_BUSY}, {@code SQLITE_FULL} is
 *       {@link StorageErrorCode#NO_SPACE}; the cause chain is searched, so a wrapped error counts.
 *   <li>Files: Java gives no errno. A failed write is {@link StorageErrorCode#NO_SPACE} when the
 *       directory it wrote to has less than one page of usable space left right after the failure
 *       (the kernel fills the disk before it refuses a write), or when a {@link FileSystemException}
 *       reports {@code ENOSPC} as its reason.
 *   <li>Everything else is {@link StorageErrorCode#IO}.
 * </ul>
 * The message names the file, directory or index and the cause, for a person to read; callers never
 * read it back.
 */
final class StorageFailures {
    /** The {@code strerror} text of {@code ENOSPC}, as the JDK puts it in a {@link FileSystemException}'s reason. */
    private static final String ENOSPC = "No space left on device";
    private static final int SQLITE_PRIMARY_MASK = 0xFF;

    private StorageFailures() {}

    interface SqlWork<T> {
        T run() throws SQLException;
    }

    interface SqlAction {
        void run() throws SQLException;
    }

    /** Runs an index operation; a {@link SQLException} becomes a {@link StorageException} naming {@code what}. */
    static <T> T index(String what, SqlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw index(what, e);
        }
    }

    static void indexUpdate(String what, SqlAction work) {
        index(what, () -> {
            work.run();
            return null;
        });
    }

    static StorageException index(String what, SQLException e) {
        return new StorageException(indexCode(e), what + ": " + e.getMessage(), e);
    }

    static StorageErrorCode indexCode(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CapsuleIndex.Unusable) {
                return StorageErrorCode.INDEX_CORRUPT;
            }
            int code;
            if (t instanceof SQLiteException s) {
                code = s.getResultCode().code;
            } else if (t instanceof SQLException s) {
                code = s.getErrorCode();
            } else {
                continue;
            }
            int primary = code & SQLITE_PRIMARY_MASK;
            if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
                return StorageErrorCode.INDEX_BUSY;
            }
            if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
                return StorageErrorCode.NO_SPACE;
            }
            if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
                return StorageErrorCode.INDEX_CORRUPT;
            }
        }
        return StorageErrorCode.IO;
    }

    /**
     * A failed write of a file in {@code dir}. Call it before the partial file is removed: whether the
     * disk is full is read from the space left now.
     */
    static StorageException write(String what, Path dir, IOException e) {
        String reason = e.getMessage();
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        }
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        }
        StorageErrorCode code = isNoSpace(dir, e) ? StorageErrorCode.NO_SPACE : StorageErrorCode.IO;
        return new StorageException(code, what + ": " + reason, e);
    }

    /** A failed read or file operation that is not a write of new data. */
    static StorageException io(String what, IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage() != null ? e.getMessage() : e.toString();
        return new StorageException(StorageErrorCode.IO, what + ": " + reason, e);
    }

    private static boolean isNoSpace(Path dir, IOException e) {
        if (e instanceof FileSystemException fse && ENOSPC.equals(fse.getReason())) {
            return true;
        }
        if (e instanceof AccessDeniedException || dir == null) {
            return false;
        }
        try {
            return Files.getFileStore(dir).getUsableSpace() < PlotWriter.PAGE;
        } catch (IOException | RuntimeException unavailable) {
            return false;
        }
    }
}
