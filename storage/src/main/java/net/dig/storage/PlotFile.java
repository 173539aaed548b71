package net.dig.storage;

import java.nio.file.Path;
import java.util.Set;
import net.dig.core.Bytes32;

/**
 * A plot file as tiering sees it: where it is, the {@link StorageClass} of its directory, its size, when it
 * was written (Unix seconds), the datastores it holds capsules of, and whether all of it may be served (not
 * quarantined, no capsule found bad).
 */
public record PlotFile(Bytes32 plotId, Path path, StorageClass storageClass, long sizeBytes, long creationTime,
                       Set<Bytes32> datastores, boolean servable) {
    public PlotFile {
        datastores = Set.copyOf(datastores);
    }
}
