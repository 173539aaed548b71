package net.dig.gossip;

/**
 * Settings of one {@link PlumtreeRouter}, validated on construction. Defaults ({@link #defaults()}) follow
 * the dig-gossip seed where it has a value and the Plumtree paper (Leitão et al., SRDS 2007) otherwise.
 *
 * @param gossipFanout             at most this many links a node makes eager on its own (seed: 8)
 * @param maxSeenMessages          seen-set capacity (seed: 100,000)
 * @param seenTtlMillis            how long an id stays in the seen-set
 * @param cacheTtlMillis           how long a payload stays available to GRAFT/RequestByHash
 * @param cacheMaxMessages         payload cache bound by count
 * @param cacheMaxBytes            payload cache bound by bytes of message data
 * @param lazyTimeoutMillis        timeout1: IHAVE received, payload still missing, ask the announcer
 * @param retryTimeoutMillis       timeout2: asked announcer did not deliver, ask the next one
 * @param dispatchIntervalMillis   IHAVEs to one peer are batched into one LazyAnnounce per interval (0 = at once)
 * @param optimisationThresholdMillis tree optimisation: replace the eager parent by a lazy announcer whose IHAVE
 *                                 came at least this much earlier than the payload (0 = off)
 * @param pruneProtectionMillis    a duplicate from a peer that delivered a first copy within this window does not
 *                                 prune it (0 = the paper: every duplicate prunes)
 * @param persistentDuplicates     prune protection lapses for a link whose duplicates persist: after between this
 *                                 many and four times this many duplicates from it, none more than twice
 *                                 {@code pruneProtectionMillis} apart, the next one prunes it (0 = never lapses;
 *                                 at most {@value #MAX_PERSISTENT_DUPLICATES})
 * @param maxMissing               bound on ids announced but not yet received
 * @param maxAnnouncersPerMessage  announcers remembered per missing id
 * @param requestRatePerSecond     RequestByHash ids one peer may ask for per second (token bucket refill)
 * @param requestBurst             token bucket size
 * @param requestDedupMillis       the same id asked by the same peer again within this window is not re-sent
 */
public record PlumtreeConfig(
        int gossipFanout,
        int maxSeenMessages,
        long seenTtlMillis,
        long cacheTtlMillis,
        int cacheMaxMessages,
        long cacheMaxBytes,
        long lazyTimeoutMillis,
        long retryTimeoutMillis,
        long dispatchIntervalMillis,
        long optimisationThresholdMillis,
        long pruneProtectionMillis,
        int persistentDuplicates,
        int maxMissing,
        int maxAnnouncersPerMessage,
        int requestRatePerSecond,
        int requestBurst,
        long requestDedupMillis) {

    public static final int MAX_PERSISTENT_DUPLICATES = 1_000_000;

    public PlumtreeConfig {
        positive("gossip_fanout", gossipFanout);
        positive("max_seen_messages", maxSeenMessages);
        positive("seen_ttl_millis", seenTtlMillis);
        positive("cache_ttl_millis", cacheTtlMillis);
        positive("cache_max_messages", cacheMaxMessages);
        positive("cache_max_bytes", cacheMaxBytes);
        positive("lazy_timeout_millis", lazyTimeoutMillis);
        positive("retry_timeout_millis", retryTimeoutMillis);
        notNegative("dispatch_interval_millis", dispatchIntervalMillis);
        notNegative("optimisation_threshold_millis", optimisationThresholdMillis);
        notNegative("prune_protection_millis", pruneProtectionMillis);
        notNegative("persistent_duplicates", persistentDuplicates);
        if (persistentDuplicates > MAX_PERSISTENT_DUPLICATES) {
            // the streak limit is drawn up to 4x this: keep it far from int overflow
            throw new IllegalArgumentException("persistent_duplicates must be at most " + MAX_PERSISTENT_DUPLICATES
                    + ", got " + persistentDuplicates);
        }
        positive("max_missing", maxMissing);
        positive("max_announcers_per_message", maxAnnouncersPerMessage);
        positive("request_rate_per_second", requestRatePerSecond);
        positive("request_burst", requestBurst);
        notNegative("request_dedup_millis", requestDedupMillis);
        long graftWindow = dispatchIntervalMillis + lazyTimeoutMillis + maxAnnouncersPerMessage * retryTimeoutMillis;
        if (cacheTtlMillis <= graftWindow) {
            throw new IllegalArgumentException("cache_ttl_millis " + cacheTtlMillis
                    + " must outlast the graft window (dispatch + timeout1 + announcers x timeout2 = " + graftWindow + " ms)");
        }
        if (seenTtlMillis < cacheTtlMillis) {
            throw new IllegalArgumentException("seen_ttl_millis " + seenTtlMillis
                    + " must be at least cache_ttl_millis " + cacheTtlMillis
                    + ", or a message could be served after its id was forgotten and loop back");
        }
    }

    /** How long after a message's IHAVE a neighbour may still ask for it: dispatch + timeout1 + announcers x timeout2. */
    public long graftWindowMillis() {
        return dispatchIntervalMillis + lazyTimeoutMillis + maxAnnouncersPerMessage * retryTimeoutMillis;
    }

    public static PlumtreeConfig defaults() {
        return new PlumtreeConfig(8, 100_000, 120_000, 60_000, 10_000, 64L << 20,
                500, 250, 50, 400, 5_000, 5, 10_000, 8, 512, 1024, 1_000);
    }

    /** A builder holding {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder holding this record's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A copy under construction: starts from a record's values; {@link #build()} calls the canonical
     * constructor, so a copy is validated exactly as a new record is.
     */
    public static final class Builder {
        private int gossipFanout;
        private int maxSeenMessages;
        private long seenTtlMillis;
        private long cacheTtlMillis;
        private int cacheMaxMessages;
        private long cacheMaxBytes;
        private long lazyTimeoutMillis;
        private long retryTimeoutMillis;
        private long dispatchIntervalMillis;
        private long optimisationThresholdMillis;
        private long pruneProtectionMillis;
        private int persistentDuplicates;
        private int maxMissing;
        private int maxAnnouncersPerMessage;
        private int requestRatePerSecond;
        private int requestBurst;
        private long requestDedupMillis;

        private Builder(PlumtreeConfig from) {
            gossipFanout = from.gossipFanout;
            maxSeenMessages = from.maxSeenMessages;
            seenTtlMillis = from.seenTtlMillis;
            cacheTtlMillis = from.cacheTtlMillis;
            cacheMaxMessages = from.cacheMaxMessages;
            cacheMaxBytes = from.cacheMaxBytes;
            lazyTimeoutMillis = from.lazyTimeoutMillis;
            retryTimeoutMillis = from.retryTimeoutMillis;
            dispatchIntervalMillis = from.dispatchIntervalMillis;
            optimisationThresholdMillis = from.optimisationThresholdMillis;
            pruneProtectionMillis = from.pruneProtectionMillis;
            persistentDuplicates = from.persistentDuplicates;
            maxMissing = from.maxMissing;
            maxAnnouncersPerMessage = from.maxAnnouncersPerMessage;
            requestRatePerSecond = from.requestRatePerSecond;
            requestBurst = from.requestBurst;
            requestDedupMillis = from.requestDedupMillis;
        }

        public Builder gossipFanout(int value) {
            gossipFanout = value;
            return this;
        }

        public Builder maxSeenMessages(int value) {
            maxSeenMessages = value;
            return this;
        }

        public Builder seenTtlMillis(long value) {
            seenTtlMillis = value;
            return this;
        }

        public Builder cacheTtlMillis(long value) {
            cacheTtlMillis = value;
            return this;
        }

        public Builder cacheMaxMessages(int value) {
            cacheMaxMessages = value;
            return this;
        }

        public Builder cacheMaxBytes(long value) {
            cacheMaxBytes = value;
            return this;
        }

        public Builder lazyTimeoutMillis(long value) {
            lazyTimeoutMillis = value;
            return this;
        }

        public Builder retryTimeoutMillis(long value) {
            retryTimeoutMillis = value;
            return this;
        }

        public Builder dispatchIntervalMillis(long value) {
            dispatchIntervalMillis = value;
            return this;
        }

        public Builder optimisationThresholdMillis(long value) {
            optimisationThresholdMillis = value;
            return this;
        }

        public Builder pruneProtectionMillis(long value) {
            pruneProtectionMillis = value;
            return this;
        }

        public Builder persistentDuplicates(int value) {
            persistentDuplicates = value;
            return this;
        }

        public Builder maxMissing(int value) {
            maxMissing = value;
            return this;
        }

        public Builder maxAnnouncersPerMessage(int value) {
            maxAnnouncersPerMessage = value;
            return this;
        }

        public Builder requestRatePerSecond(int value) {
            requestRatePerSecond = value;
            return this;
        }

        public Builder requestBurst(int value) {
            requestBurst = value;
            return this;
        }

        public Builder requestDedupMillis(long value) {
            requestDedupMillis = value;
            return this;
        }

        public PlumtreeConfig build() {
            return new PlumtreeConfig(gossipFanout, maxSeenMessages, seenTtlMillis, cacheTtlMillis, cacheMaxMessages,
                    cacheMaxBytes, lazyTimeoutMillis, retryTimeoutMillis, dispatchIntervalMillis,
                    optimisationThresholdMillis, pruneProtectionMillis, persistentDuplicates, maxMissing,
                    maxAnnouncersPerMessage, requestRatePerSecond, requestBurst, requestDedupMillis);
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive but was " + value);
        }
    }

    private static void notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative but was " + value);
        }
    }
}
