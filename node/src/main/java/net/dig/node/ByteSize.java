package net.dig.node;

import java.util.regex.Pattern;

/**
 * A size in bytes as the config writes it: a whole number, optionally followed by a unit. The unit
 * says its base: {@code KiB, MiB, GiB, TiB} are powers of 1024, {@code kB, MB, GB, TB} powers of 1000
 * (as disks are sold), {@code B} or no unit is bytes. So {@code 1MiB} is 1,048,576 bytes and
 * {@code 50GB} is 50,000,000,000. Units are case-sensitive (the case tells bits from bytes and
 * kilo from Kibi); a space before the unit is allowed.
 */
record ByteSize(long bytes) {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(B|KiB|MiB|GiB|TiB|kB|KB|MB|GB|TB)?");
    static final String UNITS = "units B; KiB, MiB, GiB, TiB = 1024^n; kB, MB, GB, TB = 1000^n";

    ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size must be >= 0 bytes, got " + bytes);
        }
    }

    static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    /** Parses a size; a {@link ConfigException} with an empty key (the caller adds the key path) otherwise. */
    static ByteSize parse(String value) {
        if (value == null) {
            throw new ConfigException("", "must be set");
        }
        if (value.isBlank()) {
            throw new ConfigException("", "must not be empty");
        }
        var m = SIZE.matcher(value.strip());
        if (!m.matches()) {
            throw new ConfigException("", "must be a size like \"512MiB\" or \"50GB\" (" + UNITS + "), got \"" + value + "\"");
        }
        long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "TiB" -> 1L << 40;
            case "kB", "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "TB" -> 1_000_000_000_000L;
            default -> 1;
        };
        try {
            return new ByteSize(Math.multiplyExact(Long.parseLong(m.group(1)), unit));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new ConfigException("", "is too large, got \"" + value + "\"");
        }
    }

    /** The size as an {@code int}, for settings the JVM keeps in one; a {@link ConfigException} above 2 GiB - 1. */
    int intBytes(String key) {
        if (bytes > Integer.MAX_VALUE) {
            throw new ConfigException(key, "must be below 2GiB, got " + bytes + " bytes");
        }
        return (int) bytes;
    }
}
