package net.dig.storage;

import java.nio.file.Path;

/** A plot directory: its {@link StorageClass}, the usable bytes of its disk (-1 when unreadable or read-only), and the plots in it. */
public record PlotDirectory(Path path, StorageClass storageClass, long usableBytes, int plots, long plotBytes) {}
