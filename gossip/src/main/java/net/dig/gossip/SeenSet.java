package net.dig.gossip;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of messages this node has already handled, so that a forwarded message is delivered and relayed
 * once. Bounded twice: at most {@code capacity} ids (the seed's {@code max_seen_messages}, oldest evicted
 * first) and each id for at most {@code ttlMillis}.
 *
 * <p>Ids are kept in insertion order with their expiry time; since time only moves forward, the eldest
 * entry expires first, so expiry and eviction are O(1) at the head. An id that falls out early (capacity
 * pressure) can at worst be delivered a second time, which the application must tolerate anyway after
 * the TTL; it is never lost. Not thread-safe: owned by the router's single event loop.
 */
public final class SeenSet {
    private final int capacity;
    private final long ttlMillis;
    private final LinkedHashMap<MessageId, Long> expiries = new LinkedHashMap<>();
    private long evicted;

    public SeenSet(int capacity, long ttlMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("seen-set capacity must be at least 1 but was " + capacity);
        }
        if (ttlMillis < 1) {
            throw new IllegalArgumentException("seen-set TTL must be positive but was " + ttlMillis);
        }
        this.capacity = capacity;
        this.ttlMillis = ttlMillis;
    }

    /** Records {@code id}; true if it was not already present (a first sighting). */
    public boolean add(MessageId id, long nowMillis) {
        expire(nowMillis);
        if (expiries.containsKey(id)) {
            return false;
        }
        while (expiries.size() >= capacity) {
            Iterator<Map.Entry<MessageId, Long>> eldest = expiries.entrySet().iterator();
            eldest.next();
            eldest.remove();
            evicted++;
        }
        expiries.put(id, nowMillis + ttlMillis);
        return true;
    }

    public boolean contains(MessageId id, long nowMillis) {
        Long expiry = expiries.get(id);
        return expiry != null && expiry > nowMillis;
    }

    /** Drops every id whose TTL has passed. */
    public void expire(long nowMillis) {
        Iterator<Map.Entry<MessageId, Long>> it = expiries.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() > nowMillis) {
                return;
            }
            it.remove();
        }
    }

    public int size() {
        return expiries.size();
    }

    /** Ids dropped because the set was full before their TTL passed. */
    public long evictedEarly() {
        return evicted;
    }
}
