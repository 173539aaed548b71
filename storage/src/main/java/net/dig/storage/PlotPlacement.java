package net.dig.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;

/**
 * Which plot directory a plot goes to.
 *
 * <p>A new plot goes to the {@link StorageClass#LANDING} directory with the most usable space, if that
 * space fits the plot's estimated size ({@link #estimate}); when no landing directory has room, to the
 * directory of any class with the most usable space that fits; otherwise the write fails before touching
 * the disk with {@link StorageErrorCode#NO_SPACE}, naming every directory and its free space. A plot
 * moving between classes ({@link #chooseIn}) goes to the directory of its class with the most usable
 * space that fits, or nowhere. Unreadable and read-only directories are skipped and named. Stateless
 * apart from its inputs; thread-safe.
 */
final class PlotPlacement {
    private final List<Path> dirs;
    private final Map<Path, StorageClass> classes;
    private final BooleanSupplier checkFreeSpace;
    /** Usable bytes of a directory's file store; tests give a small capacity here. */
    volatile ToLongFunction<Path> usableSpace = PlotPlacement::fileStoreUsableSpace;

    PlotPlacement(List<Path> dirs, Map<Path, StorageClass> classes, BooleanSupplier checkFreeSpace) {
        this.dirs = List.copyOf(dirs);
        this.classes = Map.copyOf(classes);
        this.checkFreeSpace = checkFreeSpace;
    }

    StorageClass classOf(Path dir) {
        return classes.getOrDefault(dir, StorageClass.SSD);
    }

    /** A plot directory: its class and usable bytes (-1 when unreadable or not writable). */
    record Directory(Path path, StorageClass storageClass, long usableBytes) {}

    List<Directory> directories() {
        return dirs.stream().map(d -> new Directory(d, classOf(d), free(d))).toList();
    }

    /** The directory of class {@code c} with the most usable space, if it fits {@code needed} bytes. */
    Optional<Path> chooseIn(StorageClass c, long needed) {
        Path best = null;
        long bestFree = -1;
        for (Path dir : dirs) {
            long free = classOf(dir) == c ? free(dir) : -1;
            if (free > bestFree) {
                best = dir;
                bestFree = free;
            }
        }
        return best == null || bestFree < needed ? Optional.empty() : Optional.of(best);
    }

    private long free(Path dir) {
        try {
            return Files.isWritable(dir) ? usableSpace.applyAsLong(dir) : -1;
        } catch (UncheckedUsableSpace e) {
            return -1;
        }
    }

    /** An upper bound of the file size of a plot with these contents. */
    static long estimate(long bytes, int capsules, int files) {
        long chunks = bytes / PlotWriter.PAGE + capsules;
        return PlotWriter.HEADER_SIZE + bytes + (long) capsules * PlotWriter.PAGE
                + (long) capsules * (PlotWriter.C1_RECORD + PlotWriter.C2_RECORD + 32 + 68) + 32 * chunks
                + files * 600L + 8 * PlotWriter.PAGE;
    }

    Path choose(long needed) {
        Optional<Path> landing = chooseIn(StorageClass.LANDING, needed);
        if (landing.isPresent()) {
            return landing.get();
        }
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
