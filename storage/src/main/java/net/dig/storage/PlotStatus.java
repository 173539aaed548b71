package net.dig.storage;

/** Whether a plot may be served. */
public enum PlotStatus {
    OK,
    /** Its header or tables failed their checks (or its file is gone); never served. */
    QUARANTINED
}
