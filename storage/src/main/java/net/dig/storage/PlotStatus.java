package net.dig.storage;

/** Whether a plot may be served. */
public enum PlotStatus {
    OK,
    /** Its header or tables failed their checks (or its file is gone); never served. */
    QUARANTINED,
    /**
     * Reported by {@link StorageEngine#plots}, never stored: the plot is sound but some of its capsules
     * were found bad; those are refused, the rest is served.
     */
    DEGRADED
}
