package net.dig.storage;

import java.util.List;

/** What {@link StorageEngine#rebuildIndex()} found in the plot files. */
public record RebuildReport(int plots, int datastores, int capsules, List<PlotSummary> quarantined) {
    public RebuildReport {
        quarantined = List.copyOf(quarantined);
    }
}
