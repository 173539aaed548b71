package net.dig.api;

import java.util.List;

/**
 * What a config reload did ({@code POST /admin/reload}, SIGHUP): the changed keys it applied to the
 * running node and the changed keys that take effect only after a restart.
 */
public record ReloadReport(List<String> applied, List<String> needsRestart) {
    public ReloadReport {
        applied = List.copyOf(applied);
        needsRestart = List.copyOf(needsRestart);
    }
}
