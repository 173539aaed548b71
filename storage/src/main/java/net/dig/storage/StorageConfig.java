package net.dig.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the storage engine keeps things: the SQLite index at {@code dataDir/index.sqlite}, plot files in
 * one or more {@code plotDirs} (the seed's {@code plots_dir} may be a list; new plots go to the directory
 * with the most usable space that fits them), and the disk cache tier in {@code cacheDir}.
 * Paths are made absolute; plot directories must be distinct and not nested in each other.
 */
public record StorageConfig(Path dataDir, List<Path> plotDirs, Path cacheDir) {
    public StorageConfig {
        Objects.requireNonNull(dataDir, "storage config: dataDir is missing");
        if (plotDirs == null || plotDirs.isEmpty()) {
            throw new IllegalArgumentException("storage config: plotDirs must name at least one directory");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        List<Path> dirs = new ArrayList<>();
        for (Path p : plotDirs) {
            if (p == null) {
                throw new IllegalArgumentException("storage config: plotDirs contains an empty entry");
            }
            Path abs = p.toAbsolutePath().normalize();
            for (Path other : dirs) {
                if (abs.startsWith(other) || other.startsWith(abs)) {
                    throw new IllegalArgumentException("storage config: plot directories " + other + " and " + abs
                            + " overlap");
                }
            }
            dirs.add(abs);
        }
        plotDirs = List.copyOf(dirs);
        cacheDir = cacheDir == null ? dataDir.resolve("cache") : cacheDir.toAbsolutePath().normalize();
    }

    /** One plot directory {@code dataDir/plots}, cache at {@code dataDir/cache}. */
    public static StorageConfig under(Path dataDir) {
        Path d = dataDir.toAbsolutePath().normalize();
        return new StorageConfig(d, List.of(d.resolve("plots")), d.resolve("cache"));
    }

    public Path indexFile() {
        return dataDir.resolve("index.sqlite");
    }
}
