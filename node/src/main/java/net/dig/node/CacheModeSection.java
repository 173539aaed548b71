package net.dig.node;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code node.cache:} - what a node in {@code node.mode: cache} keeps (the seed's cache-mode dictionary;
 * read only in that mode, docs/config.md): a datastore not read for {@code ttl_hours} is dropped, but
 * never while the network has fewer than {@code min_providers} other holders of it, and the datastores
 * kept take at most {@code cache_size}: a percentage of the plot directories' capacity ({@code "50%"},
 * 1..100) or an absolute size ({@code "200GiB"}). Not to be confused with {@code api.cache_size}, the
 * RAM tier of the HTTP path.
 */
record CacheModeSection(long ttlHours, int minProviders, String cacheSize) {
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d+)?)\\s*%");

    CacheModeSection {
        if (ttlHours < 1 || ttlHours > 24L * 365 * 100) {
            throw new ConfigException("ttl_hours", "must be 1..876000 hours, got " + ttlHours);
        }
        if (minProviders < 0 || minProviders > 1000) {
            throw new ConfigException("min_providers", "must be 0..1000, got " + minProviders);
        }
        NodeConfig.require(cacheSize, "cache_size");
        Matcher m = PERCENT.matcher(cacheSize.strip());
        if (m.matches()) {
            double p = Double.parseDouble(m.group(1));
            if (p <= 0 || p > 100) {
                throw new ConfigException("cache_size", "a percentage must be above 0 and at most 100%, got \"" + cacheSize + "\"");
            }
        } else {
            try {
                ByteSize.parse(cacheSize.strip());
            } catch (ConfigException | IllegalArgumentException e) {
                throw new ConfigException("cache_size", "must be a percentage of the plot directories' capacity (\"50%\") or a size"
                        + " (\"200GiB\"; " + ByteSize.UNITS + "), got \"" + cacheSize + "\"");
            }
        }
    }

    Duration ttl() {
        return Duration.ofHours(ttlHours);
    }

    /** The bytes {@code cache_size} allows when the plot directories can hold {@code capacity} bytes in all. */
    long bytes(long capacity) {
        Matcher m = PERCENT.matcher(cacheSize.strip());
        if (m.matches()) {
            return (long) (capacity * (Double.parseDouble(m.group(1)) / 100.0));
        }
        return ByteSize.parse(cacheSize.strip()).bytes();
    }
}
