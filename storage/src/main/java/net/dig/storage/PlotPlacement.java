package net.dig.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;

/**
 * Which plot directory a new plot goes to.
 *
 * <p>The directory with the most usable space, if that space fits the plot's estimated size
 * ({@link #estimate}); otherwise the write fails before touching the disk with
 * {@link StorageErrorCode#NO_SPACE}, naming every directory and its free space. Unreadable and
 * read-only directories are skipped and named. Stateless apart from its inputs; thread-safe.
 */
final class PlotPlacement {
    private final List<Path> dirs;
    private final BooleanSupplier checkFreeSpace;
    /** Usable bytes of a directory's file store; tests give a small capacity here. */
    volatile ToLongFunction<Path> usableSpace = PlotPlacement::fileStoreUsableSpace;

    PlotPlacement(List<Path> dirs, BooleanSupplier checkFreeSpace) {
        this.dirs = List.copyOf(dirs);
        this.checkFreeSpace = checkFreeSpace;
    }

    /** An upper bound of the file size of a plot with these contents. */
    static long estimate(long bytes, int capsules, int files) {
        long chunks = bytes / PlotWriter.PAGE + capsules;
        return PlotWriter.HEADER_SIZE + bytes + (long) capsules * PlotWriter.PAGE
                + (long) capsules * (PlotWriter.C1_RECORD + PlotWriter.C2_RECORD + 32 + 68) + 32 * chunks
                + files * 600L + 8 * PlotWriter.PAGE;
    }

    Path choose(long needed) {
        Path best = null;
        long bestFree = -1;
        StringBuilder seen = new StringBuilder();
        for (Path dir : dirs) {
            long free;
            try {
                free = usableSpace.applyAsLong(dir);
            } catch (UncheckedUsableSpace e) {
                seen.append(seen.isEmpty() ? "" : ", ").append(dir).append(" (unavailable: ").append(e.getMessage()).append(')');
                continue;
            }
            if (!Files.isWritable(dir)) {
                seen.append(seen.isEmpty() ? "" : ", ").append(dir).append(" (not writable)");
                continue;
            }
            seen.append(seen.isEmpty() ? "" : ", ").append(dir).append(" (").append(free).append(" bytes free)");
            if (free > bestFree) {
                best = dir;
                bestFree = free;
            }
        }
        if (best == null) {
            throw new StorageException(StorageErrorCode.IO, "no plot directory can take a plot of about " + needed
                    + " bytes: " + seen);
        }
        if (checkFreeSpace.getAsBoolean() && bestFree < needed) {
            throw new StorageException(StorageErrorCode.NO_SPACE, "no plot directory has room for a plot of about "
                    + needed + " bytes: " + seen);
        }
        return best;
    }

    private static long fileStoreUsableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedUsableSpace(e.getMessage());
        }
    }

    /** A directory whose free space cannot be read. */
    static final class UncheckedUsableSpace extends RuntimeException {
        UncheckedUsableSpace(String message) {
            super(message, null, false, false);
        }
    }
}
