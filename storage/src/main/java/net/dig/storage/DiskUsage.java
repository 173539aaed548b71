package net.dig.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import net.dig.core.AtomicFiles;

/**
 * The bytes under the plot directories, kept up to date as plots come and go, so a metrics scrape
 * costs one {@code stat} per plot directory instead of a walk.
 *
 * <h2>What is counted</h2>
 * What {@code du -sb <plot dirs>} (GNU du, apparent sizes) prints once no plot is being written: every
 * plot file (tracked by path as it is published, found at open, or deleted), the plot directories
 * themselves (read live: a directory's size changes with its entries), and everything else found under
 * them by the walk at open and at each rebuild (sub-directories, stray files). Temporary plots are left
 * out: they exist only while a write is under way. Files other than plots that someone else puts
 * into a plot directory while the engine runs are counted at the next open or rebuild.
 *
 * <p>Thread-safe: a concurrent map of plot sizes.
 */
final class DiskUsage {
    private final List<Path> dirs;
    private final Map<String, Long> plots = new ConcurrentHashMap<>();
    private volatile long otherBytes;

    DiskUsage(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    /** Walks the plot directories once: at open and after a rebuild. */
    synchronized void measure() {
        long other = 0;
        Set<Object> inodes = new HashSet<>();
        Map<String, Long> found = new java.util.HashMap<>();
        for (Path dir : dirs) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.equals(dir) || AtomicFiles.isTemporary(p)) {
                        continue;
                    }
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    Object key = a.fileKey();
                    if (key != null && !inodes.add(key)) {
                        continue;
                    }
                    if (isPlot(dir, p, a)) {
                        found.put(p.toString(), a.size());
                    } else {
                        other += a.size();
                    }
                }
            } catch (IOException e) {
                throw StorageFailures.io("cannot measure plot directory " + dir, e);
            } catch (UncheckedIOException e) {
                throw StorageFailures.io("cannot measure plot directory " + dir, e.getCause());
            }
        }
        plots.clear();
        plots.putAll(found);
        otherBytes = other;
    }

    private static boolean isPlot(Path dir, Path p, BasicFileAttributes a) {
        return a.isRegularFile() && dir.equals(p.getParent()) && p.getFileName().toString().endsWith(PlotWriter.PLOT_SUFFIX);
    }

    /** A plot file appeared (published here, or first seen from another process). */
    void added(Path plot, long size) {
        plots.put(plot.toString(), size);
    }

    void removed(Path plot) {
        plots.remove(plot.toString());
    }

    /** Apparent bytes under the plot directories, the directories included. */
    long bytesOnDisk() {
        long total = otherBytes;
        for (long size : plots.values()) {
            total += size;
        }
        for (Path dir : dirs) {
            try {
                total += Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
            } catch (IOException e) {
                throw StorageFailures.io("cannot measure plot directory " + dir, e);
            }
        }
        return total;
    }

    int plotFiles() {
        return plots.size();
    }
}
