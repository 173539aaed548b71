package net.dig.storage;

import java.nio.file.Path;
import java.util.List;
import net.dig.core.Bytes32;

/**
 * One plot file. {@code plotId} is {@link Bytes32#ZERO} for a file so damaged that its id cannot be
 * read; {@code quarantineReason} is null when {@code status} is {@link PlotStatus#OK}.
 * {@code badCapsules} are the capsules of the plot a verify or a read found bad (refused, persisted
 * until a clean verify); empty for a healthy plot.
 */
public record PlotSummary(Bytes32 plotId, Path path, long sizeBytes, int capsuleCount, long creationTime,
                          PlotStatus status, String quarantineReason, List<CapsuleProblem> badCapsules) {
    public PlotSummary {
        badCapsules = badCapsules == null ? List.of() : List.copyOf(badCapsules);
    }

    /** A plot without bad capsules. */
    public PlotSummary(Bytes32 plotId, Path path, long sizeBytes, int capsuleCount, long creationTime, PlotStatus status,
                       String quarantineReason) {
        this(plotId, path, sizeBytes, capsuleCount, creationTime, status, quarantineReason, List.of());
    }

    /** Whether the whole plot may be served: not quarantined and no capsule found bad. */
    public boolean servable() {
        return status == PlotStatus.OK && badCapsules.isEmpty();
    }
}
