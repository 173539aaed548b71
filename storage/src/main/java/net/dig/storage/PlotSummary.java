package net.dig.storage;

import java.nio.file.Path;
import net.dig.core.Bytes32;

/**
 * One plot file. {@code plotId} is {@link Bytes32#ZERO} for a file so damaged that its id cannot be
 * read; {@code quarantineReason} is null when {@code status} is {@link PlotStatus#OK}.
 */
public record PlotSummary(Bytes32 plotId, Path path, long sizeBytes, int capsuleCount, long creationTime,
                          PlotStatus status, String quarantineReason) {}
