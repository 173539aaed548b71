package net.dig.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What was in the data directory before a {@code start}, so a start that fails leaves it as it found it:
 * {@link #undo} removes the directory if the start created it, else every file and directory under it
 * that the start created (deepest first). Files that existed are never touched (an index the start
 * opened keeps the rows it reconciled with the plots: nothing there is half-made), nor are the SQLite
 * journal files of a database that existed, which may hold its last committed transactions.
 *
 * <p>Only the holder of the home's lock ({@link HomeLock}) may undo: then nothing but this process has
 * written in the home since the snapshot. Plot directories outside the home are not covered. If the home
 * cannot be listed before the start, nothing is undone.
 */
final class HomeSnapshot {
    private final Path home;
    private final boolean existed;
    private final Set<Path> before;

    private HomeSnapshot(Path home, boolean existed, Set<Path> before) {
        this.home = home;
        this.existed = existed;
        this.before = before;
    }

    static HomeSnapshot take(NodeHome home) {
        Path dir = home.dir();
        if (!Files.exists(dir)) {
            return new HomeSnapshot(dir, false, Set.of());
        }
        Set<Path> listed = walk(dir);
        return new HomeSnapshot(dir, true, listed == null ? null : Set.copyOf(listed));
    }

    /** Removes what appeared since the snapshot; failures are logged, never thrown over the start's own error. */
    void undo() {
        Set<Path> now = Files.exists(home) && (!existed || before != null) ? walk(home) : null;
        if (now == null) {
            return; // nothing there, or the listing before the start failed: nothing is known to be new
        }
        List<Path> created = now.stream().filter(p -> !existed || !before.contains(p) && !journalOfKept(p))
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        for (Path p : created) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                NodeLog.warn("node", "start_cleanup_failed", Map.of("path", p.toString(), "error", e.toString()));
            }
        }
    }

    /** SQLite's {@code -wal}, {@code -shm} or {@code -journal} beside a database that existed: part of it, kept. */
    private boolean journalOfKept(Path p) {
        String name = p.getFileName().toString();
        for (String suffix : List.of("-wal", "-shm", "-journal")) {
            if (name.endsWith(suffix) && before.contains(p.resolveSibling(name.substring(0, name.length() - suffix.length())))) {
                return true;
            }
        }
        return false;
    }

    /** Every path under {@code dir}, itself included; null if the listing fails. */
    private static Set<Path> walk(Path dir) {
        Set<Path> out = new HashSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.forEach(out::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            NodeLog.warn("node", "home_listing_failed", Map.of("path", dir.toString(), "error", e.toString()));
            return null;
        }
        return out;
    }
}
