package net.dig.storage;

import java.util.List;

/** The result of {@link StorageEngine#verify}: one entry per plot checked. */
public record VerifyReport(List<PlotVerification> plots) {
    public VerifyReport {
        plots = List.copyOf(plots);
    }

    public boolean ok() {
        return plots.stream().allMatch(PlotVerification::ok);
    }
}
