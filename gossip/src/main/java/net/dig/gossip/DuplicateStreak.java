package net.dig.gossip;

/**
 * Duplicates from one link, none more than {@code gapMillis} after the previous one. The streak's length
 * limit is drawn when it starts, from the first duplicate's id and the peer (deterministic, different on
 * every link of a cycle), between {@code base} and {@code 4 * base}.
 */
final class DuplicateStreak {
    int count;
    int limit;
    long lastAt = Long.MIN_VALUE;

    /** Counts one duplicate; true when the streak reached its limit (and starts over). */
    boolean add(MessageId id, PeerId from, long now, long gapMillis, int base) {
        if (base == 0) {
            return false;
        }
        if (count == 0 || now - lastAt > gapMillis) {
            count = 0;
            limit = base + (int) Math.floorMod(mix(id.hashCode() * 0x9E3779B97F4A7C15L ^ from.hashCode()), 3L * base + 1);
        }
        lastAt = now;
        if (++count < limit) {
            return false;
        }
        count = 0;
        return true;
    }

    /** SplitMix64's finaliser: spreads the hash bits over the whole range. */
    private static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }
}
