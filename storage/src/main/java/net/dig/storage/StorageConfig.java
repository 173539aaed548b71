package net.dig.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the storage engine keeps things: the SQLite index at {@code dataDir/index.sqlite}, plot files in
 * one or more {@code plotDirs} (the seed's {@code plots_dir} may be a list; new plots go to the directory
 * with the most usable space that fits them), and the disk cache tier in {@code cacheDir}.
 * {@code plotClasses} labels plot directories with the {@link StorageClass} of their disk; a directory
 * it does not name is {@link StorageClass#SSD}. Paths are made absolute; plot directories must be
 * distinct and not nested in each other, and every labelled directory must be one of them.
 */
public record StorageConfig(Path dataDir, List<Path> plotDirs, Path cacheDir, Map<Path, StorageClass> plotClasses) {
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
        Map<Path, StorageClass> classes = new LinkedHashMap<>();
        for (Path dir : plotDirs) {
            classes.put(dir, StorageClass.SSD);
        }
        if (plotClasses != null) {
            for (Map.Entry<Path, StorageClass> e : plotClasses.entrySet()) {
                Path abs = e.getKey().toAbsolutePath().normalize();
                if (!classes.containsKey(abs)) {
                    throw new IllegalArgumentException("storage config: " + abs + " has a class but is not a plot directory");
                }
                classes.put(abs, Objects.requireNonNull(e.getValue(), "storage config: class of " + abs));
            }
        }
        plotClasses = java.util.Collections.unmodifiableMap(classes);
    }

    /** Every plot directory on an unlabelled ({@link StorageClass#SSD}) disk. */
    public StorageConfig(Path dataDir, List<Path> plotDirs, Path cacheDir) {
        this(dataDir, plotDirs, cacheDir, Map.of());
    }

    /** The class of plot directory {@code dir}. */
    public StorageClass classOf(Path dir) {
        return plotClasses.getOrDefault(dir.toAbsolutePath().normalize(), StorageClass.SSD);
    }

    /** Whether the plot directories span more than one class (only then do plots move between them). */
    public boolean tiered() {
        return plotClasses.values().stream().distinct().count() > 1;
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
