package net.dig.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.dig.core.Bytes32;

/**
 * Provider records this node holds for others, bounded by {@code maxKeys} content keys and {@code maxPerKey}
 * records per key, one record per (key, provider): a newer announcement replaces the older one. An expired
 * record is never served; {@link #expire} drops them, and a full store drops its expired records before it
 * refuses a new key. A full key takes a new provider only in place of the record that expires first, and only if
 * the new one lives longer. Callers verify records before {@link #put}.
 *
 * <p>Not thread-safe: owned by its {@link KademliaNode}.
 */
final class DhtProviderStore {
    private final int maxKeys;
    private final int maxPerKey;
    private final Map<Bytes32, LinkedHashMap<PeerId, ProviderRecord>> byKey = new HashMap<>();
    private int records;

    DhtProviderStore(int maxKeys, int maxPerKey) {
        this.maxKeys = maxKeys;
        this.maxPerKey = maxPerKey;
    }

    /** Stores {@code record} if there is room for it; false when the store is full. */
    boolean put(ProviderRecord record, long nowMillis) {
        LinkedHashMap<PeerId, ProviderRecord> providers = byKey.get(record.contentKey());
        if (providers == null) {
            if (byKey.size() >= maxKeys) {
                expire(nowMillis);
                if (byKey.size() >= maxKeys) {
                    return false;
                }
            }
            providers = new LinkedHashMap<>();
            byKey.put(record.contentKey(), providers);
        }
        ProviderRecord previous = providers.get(record.provider());
        if (previous != null) {
            if (previous.expiresAtMillis() <= record.expiresAtMillis()) {
                providers.put(record.provider(), record);
            }
            return true;
        }
        if (providers.size() >= maxPerKey) {
            ProviderRecord soonest = null;
            for (ProviderRecord r : providers.values()) {
                if (soonest == null || r.expiresAtMillis() < soonest.expiresAtMillis()) {
                    soonest = r;
                }
            }
            if (soonest.expiresAtMillis() >= record.expiresAtMillis()) {
                return false;
            }
            providers.remove(soonest.provider());
            records--;
        }
        providers.put(record.provider(), record);
        records++;
        return true;
    }

    /** Unexpired records for {@code key}. */
    List<ProviderRecord> get(Bytes32 key, long nowMillis) {
        LinkedHashMap<PeerId, ProviderRecord> providers = byKey.get(key);
        if (providers == null) {
            return List.of();
        }
        List<ProviderRecord> live = new ArrayList<>(providers.size());
        for (ProviderRecord r : providers.values()) {
            if (r.expiresAtMillis() > nowMillis) {
                live.add(r);
            }
        }
        return live;
    }

    void remove(Bytes32 key, PeerId provider) {
        LinkedHashMap<PeerId, ProviderRecord> providers = byKey.get(key);
        if (providers != null && providers.remove(provider) != null) {
            records--;
            if (providers.isEmpty()) {
                byKey.remove(key);
            }
        }
    }

    /** Drops every record whose expiry is at or before {@code nowMillis}. */
    void expire(long nowMillis) {
        Iterator<LinkedHashMap<PeerId, ProviderRecord>> keys = byKey.values().iterator();
        while (keys.hasNext()) {
            LinkedHashMap<PeerId, ProviderRecord> providers = keys.next();
            Iterator<ProviderRecord> it = providers.values().iterator();
            while (it.hasNext()) {
                if (it.next().expiresAtMillis() <= nowMillis) {
                    it.remove();
                    records--;
                }
            }
            if (providers.isEmpty()) {
                keys.remove();
            }
        }
    }

    int keyCount() {
        return byKey.size();
    }

    int recordCount() {
        return records;
    }
}
