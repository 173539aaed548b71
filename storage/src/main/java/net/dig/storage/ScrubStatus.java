package net.dig.storage;

/**
 * What the {@link Scrubber} has done since the node started: stored bytes rehashed, passes completed,
 * when the last pass finished (epoch millis, 0 before the first), copies found bad (each counted once),
 * and how far the current pass is ({@code passBytes} of {@code passTotalBytes}).
 */
public record ScrubStatus(boolean enabled, long bytesPerSecond, long bytesScrubbed, long passes, long lastPassFinishedMillis,
                          long badFound, long passBytes, long passTotalBytes) {
    static final ScrubStatus OFF = new ScrubStatus(false, 0, 0, 0, 0, 0, 0, 0);
}
