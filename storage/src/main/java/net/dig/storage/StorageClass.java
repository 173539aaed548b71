package net.dig.storage;

import java.util.Locale;

/**
 * The class of disk a plot directory is on, fastest first: the seed's storage hierarchy below the RAM
 * tier (L2 NVMe for frequently read content, L3 SSD for recent plots, L4 HDD for cold storage). A
 * directory nobody labelled is {@link #SSD}, where new plots land.
 */
public enum StorageClass {
    NVME, SSD, HDD;

    /** The class new plots go to when a directory of it has room. */
    public static final StorageClass LANDING = SSD;

    /** The configuration spelling: {@code nvme}, {@code ssd}, {@code hdd}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The class spelled {@code label} (any case); an {@link IllegalArgumentException} naming the choices otherwise. */
    public static StorageClass parse(String label) {
        for (StorageClass c : values()) {
            if (c.label().equalsIgnoreCase(label == null ? "" : label.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("must be nvme, ssd or hdd, got \"" + label + "\"");
    }

    /** Whether this class is faster than {@code other}. */
    public boolean fasterThan(StorageClass other) {
        return ordinal() < other.ordinal();
    }
}
