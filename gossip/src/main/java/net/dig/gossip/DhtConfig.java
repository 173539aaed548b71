package net.dig.gossip;

/**
 * Settings of one {@link KademliaNode}, validated once.
 *
 * @param k                          bucket size, lookup width and replication factor (1..{@link DhtMessage#MAX_CONTACTS})
 * @param alpha                      requests a lookup keeps in flight (1..k)
 * @param replacementCacheSize       contacts kept per bucket to replace one that fails a ping
 * @param rpcTimeoutMillis           how long a request waits for its answer
 * @param refreshIntervalMillis      how often contacts not heard from in that time are pinged and the node looks itself up
 * @param providerTtlMillis          lifetime of a provider record from its announcement; longer declared expiries are refused
 * @param republishIntervalMillis    how often the node re-announces what it provides (less than the TTL)
 * @param maxProviderKeys            content keys the provider store holds
 * @param maxProvidersPerKey         records the store holds per content key, and the most one answer carries
 * @param inboundRequestsPerSecond   sustained requests one peer may send
 * @param inboundBurst               requests one peer may send at once
 * @param maxConcurrentLookups       lookups in progress at once; more fail at once
 * @param minReputation              a peer whose reputation is at or below this is neither stored, asked nor answered
 */
public record DhtConfig(int k, int alpha, int replacementCacheSize, long rpcTimeoutMillis, long refreshIntervalMillis,
                        long providerTtlMillis, long republishIntervalMillis, int maxProviderKeys, int maxProvidersPerKey,
                        int inboundRequestsPerSecond, int inboundBurst, int maxConcurrentLookups, double minReputation) {
    public DhtConfig {
        if (k < 1 || k > DhtMessage.MAX_CONTACTS) {
            throw new IllegalArgumentException("dht k must be 1.." + DhtMessage.MAX_CONTACTS + ", got " + k);
        }
        if (alpha < 1 || alpha > k) {
            throw new IllegalArgumentException("dht alpha must be 1..k, got " + alpha);
        }
        if (replacementCacheSize < 0) {
            throw new IllegalArgumentException("dht replacement cache size must be >= 0, got " + replacementCacheSize);
        }
        if (rpcTimeoutMillis < 1 || refreshIntervalMillis < 1 || providerTtlMillis < 1 || republishIntervalMillis < 1) {
            throw new IllegalArgumentException("dht timeouts and intervals must be positive");
        }
        if (republishIntervalMillis >= providerTtlMillis) {
            throw new IllegalArgumentException("dht republish interval (" + republishIntervalMillis
                    + " ms) must be shorter than the provider TTL (" + providerTtlMillis + " ms)");
        }
        if (maxProviderKeys < 1 || maxProvidersPerKey < 1 || maxProvidersPerKey > DhtMessage.MAX_PROVIDERS) {
            throw new IllegalArgumentException("dht provider store needs >= 1 key and 1.." + DhtMessage.MAX_PROVIDERS
                    + " providers per key");
        }
        if (inboundRequestsPerSecond < 1 || inboundBurst < 1 || maxConcurrentLookups < 1) {
            throw new IllegalArgumentException("dht inbound budget and lookup limit must be positive");
        }
        if (!(minReputation >= 0 && minReputation < 1)) {
            throw new IllegalArgumentException("dht minimum reputation must be in [0, 1), got " + minReputation);
        }
    }

    /** k = 20, alpha = 3, 5 s RPC timeout, hourly refresh and republish, 2 h records, reputation floor 0.3. */
    public static DhtConfig defaults() {
        return new DhtConfig(20, 3, 20, 5_000, 3_600_000, 7_200_000, 3_600_000, 65_536, 20, 50, 200, 256, 0.3);
    }
}
