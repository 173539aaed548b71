package net.dig.storage;

import java.nio.file.Path;
import java.util.List;
import net.dig.core.Bytes32;

/** The result of verifying one plot. */
public record PlotVerification(Bytes32 plotId, Path path, boolean headerValid, boolean tablesValid,
                               List<CapsuleProblem> badCapsules) {
    public PlotVerification {
        badCapsules = List.copyOf(badCapsules);
    }

    public boolean ok() {
        return headerValid && tablesValid && badCapsules.isEmpty();
    }
}
