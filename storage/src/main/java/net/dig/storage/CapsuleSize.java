package net.dig.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The capsule size classes of a datastore, smallest first: the one list every
 * module parses and checks capsule sizes against.
 *
 * <p>Text forms: the label ({@code 256KiB}, {@code 1MiB}, {@code 4MiB}, {@code 16MiB}; case and a space
 * before the unit do not matter) or the byte count in decimal ({@code 262144}).
 */
public enum CapsuleSize {
    KIB_256(262_144, "256KiB"),
    MIB_1(1_048_576, "1MiB"),
    MIB_4(4_194_304, "4MiB"),
    MIB_16(16_777_216, "16MiB");

    /** What ingest uses when nothing is configured. */
    public static final CapsuleSize DEFAULT = MIB_16;

    private final int bytes;
    private final String label;

    CapsuleSize(int bytes, String label) {
        this.bytes = bytes;
        this.label = label;
    }

    public int bytes() {
        return bytes;
    }

    public String label() {
        return label;
    }

    /** The size class of exactly {@code bytes}. */
    public static CapsuleSize ofBytes(long bytes) {
        for (CapsuleSize s : values()) {
            if (s.bytes == bytes) {
                return s;
            }
        }
        throw new IllegalArgumentException("capsule size " + bytes + " is not one of " + describeAll());
    }

    /** Parses a label or a decimal byte count. */
    public static CapsuleSize parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("capsule size is empty; use one of " + describeAll());
        }
        String t = text.strip().replace(" ", "");
        for (CapsuleSize s : values()) {
            if (s.label.toLowerCase(Locale.ROOT).equals(t.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        if (t.chars().allMatch(Character::isDigit) && t.length() <= 10) {
            return ofBytes(Long.parseLong(t));
        }
        throw new IllegalArgumentException("capsule size '" + text + "' is not one of " + describeAll());
    }

    /** Every size in bytes, smallest first. */
    public static List<Integer> allBytes() {
        List<Integer> out = new ArrayList<>();
        for (CapsuleSize s : values()) {
            out.add(s.bytes);
        }
        return List.copyOf(out);
    }

    /** {@code 262144 (256 KiB), 1048576 (1 MiB), ...}: for messages. */
    public static String describeAll() {
        StringBuilder b = new StringBuilder();
        for (CapsuleSize s : values()) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(s.bytes).append(" (").append(s.label.replace("KiB", " KiB").replace("MiB", " MiB")).append(')');
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return label;
    }
}
