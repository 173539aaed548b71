package net.dig.gossip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.dig.core.Bytes32;

/**
 * Provider records this node holds for others, bounded by {@code maxKeys} content keys, {@code maxPerKey}
 * records per key and {@code maxRecords} records in all, one record per (key, provider): a newer announcement
 * replaces the older one. An expired record is never served; {@link #expire} drops them, and a full store drops
 * its expired records before it refuses a new key or record. A full key takes a new provider only in place of the
 * record that expires first, and only if the new one lives longer. Callers verify records before {@link #put}.
 *
 * <p>Compact: a key's records are one small array (most keys have a handful of providers), replaced whole when
 * it changes, rather than a map per key.
 *
 * <p>Not thread-safe: owned by its {@link KademliaNode}.
 */
final class DhtProviderStore {
    private final int maxKeys;
    private final int maxPerKey;
    private final int maxRecords;
    private final Map<Bytes32, ProviderRecord[]> byKey = new HashMap<>();
    private int records;

    DhtProviderStore(int maxKeys, int maxPerKey, int maxRecords) {
        this.maxKeys = maxKeys;
        this.maxPerKey = maxPerKey;
        this.maxRecords = maxRecords;
    }

    /** Stores {@code record} if there is room for it; false when the store is full. */
    boolean put(ProviderRecord record, long nowMillis) {
        Bytes32 key = record.contentKey();
        ProviderRecord[] held = byKey.get(key);
        if (held != null) {
            int previous = indexOf(held, record.provider());
            if (previous >= 0) {
                if (held[previous].expiresAtMillis() <= record.expiresAtMillis()) {
                    held[previous] = record;
                }
                return true;
            }
            if (held.length >= maxPerKey) {
                int soonest = 0;
                for (int i = 1; i < held.length; i++) {
                    if (held[i].expiresAtMillis() < held[soonest].expiresAtMillis()) {
                        soonest = i;
                    }
                }
                if (held[soonest].expiresAtMillis() >= record.expiresAtMillis()) {
                    return false;
                }
                held[soonest] = record;
                return true;
            }
        }
        if (full(held == null)) {
            expire(nowMillis);
            held = byKey.get(key);
            if (full(held == null)) {
                return false;
            }
        }
        if (held == null) {
            byKey.put(key, new ProviderRecord[] {record});
        } else {
            ProviderRecord[] grown = Arrays.copyOf(held, held.length + 1);
            grown[held.length] = record;
            byKey.put(key, grown);
        }
        records++;
        return true;
    }

    private boolean full(boolean newKey) {
        return records >= maxRecords || newKey && byKey.size() >= maxKeys;
    }

    private static int indexOf(ProviderRecord[] held, PeerId provider) {
        for (int i = 0; i < held.length; i++) {
            if (held[i].provider().equals(provider)) {
                return i;
            }
        }
        return -1;
    }

    /** Unexpired records for {@code key}. */
    List<ProviderRecord> get(Bytes32 key, long nowMillis) {
        ProviderRecord[] held = byKey.get(key);
        if (held == null) {
            return List.of();
        }
        List<ProviderRecord> live = new ArrayList<>(held.length);
        for (ProviderRecord r : held) {
            if (r.expiresAtMillis() > nowMillis) {
                live.add(r);
            }
        }
        return live;
    }

    void remove(Bytes32 key, PeerId provider) {
        ProviderRecord[] held = byKey.get(key);
        int at = held == null ? -1 : indexOf(held, provider);
        if (at >= 0) {
            records--;
            if (held.length == 1) {
                byKey.remove(key);
            } else {
                ProviderRecord[] shrunk = new ProviderRecord[held.length - 1];
                System.arraycopy(held, 0, shrunk, 0, at);
                System.arraycopy(held, at + 1, shrunk, at, held.length - at - 1);
                byKey.put(key, shrunk);
            }
        }
    }

    /** Drops every record whose expiry is at or before {@code nowMillis}. */
    void expire(long nowMillis) {
        Iterator<Map.Entry<Bytes32, ProviderRecord[]>> keys = byKey.entrySet().iterator();
        while (keys.hasNext()) {
            Map.Entry<Bytes32, ProviderRecord[]> e = keys.next();
            ProviderRecord[] held = e.getValue();
            int live = 0;
            for (ProviderRecord r : held) {
                if (r.expiresAtMillis() > nowMillis) {
                    held[live++] = r;
                }
            }
            records -= held.length - live;
            if (live == 0) {
                keys.remove();
            } else if (live < held.length) {
                e.setValue(Arrays.copyOf(held, live));
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
