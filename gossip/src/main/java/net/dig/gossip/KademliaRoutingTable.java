package net.dig.gossip;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;

/**
 * The routing table: {@link #BUCKETS} k-buckets over the XOR metric, bucket {@code i} holding contacts whose id
 * shares exactly {@code 255 - i} leading bits with this node's, each bucket in least-recently-seen-first order,
 * with a replacement cache of the newest contacts that found their bucket full.
 *
 * <p>Liveness rules: a contact heard from moves to the tail of its bucket; a newcomer to a full bucket goes to
 * the replacement cache and {@link #seen} names the bucket's head (least recently seen) for the caller to ping;
 * only when a ping fails does {@link #failed} evict a contact, promoting the newest replacement. Nothing here
 * evicts on its own, so a table only ever holds at most {@code k} contacts per bucket plus
 * {@code replacementCacheSize} replacements.
 *
 * <p>Not thread-safe: owned by its {@link KademliaNode}.
 */
final class KademliaRoutingTable {
    static final int BUCKETS = 256;

    private static final class Entry {
        DhtContact contact;
        long lastSeenMillis;

        Entry(DhtContact contact, long lastSeenMillis) {
            this.contact = contact;
            this.lastSeenMillis = lastSeenMillis;
        }
    }

    private final PeerId self;
    private final int k;
    private final int replacementCacheSize;
    private final List<LinkedHashMap<PeerId, Entry>> buckets = new ArrayList<>(BUCKETS);
    private final List<LinkedHashMap<PeerId, Entry>> replacements = new ArrayList<>(BUCKETS);
    private int size;

    KademliaRoutingTable(PeerId self, int k, int replacementCacheSize) {
        this.self = self;
        this.k = k;
        this.replacementCacheSize = replacementCacheSize;
        for (int i = 0; i < BUCKETS; i++) {
            buckets.add(new LinkedHashMap<>());
            replacements.add(new LinkedHashMap<>());
        }
    }

    /** The bucket of {@code other}: 255 minus the length of the prefix it shares with {@code self}; -1 for self. */
    static int bucketIndex(Bytes32 self, Bytes32 other) {
        for (int i = 0; i < Bytes32.SIZE; i++) {
            int x = (self.get(i) ^ other.get(i)) & 0xFF;
            if (x != 0) {
                return 255 - (i * 8 + Integer.numberOfLeadingZeros(x) - 24);
            }
        }
        return -1;
    }

    /** A random id in bucket {@code bucket} of {@code self}: its highest bit differing from {@code self} is that bit. */
    static Bytes32 randomIdInBucket(Bytes32 self, int bucket, RandomGenerator random) {
        byte[] id = new byte[Bytes32.SIZE];
        random.nextBytes(id);
        int top = 31 - bucket / 8;
        int bit = bucket % 8;
        for (int i = 0; i < Bytes32.SIZE; i++) {
            int d = i < top ? 0 : i == top ? (id[i] & ((1 << bit) - 1)) | (1 << bit) : id[i];
            id[i] = (byte) (self.get(i) ^ d);
        }
        return Bytes32.wrap(id);
    }

    /** The XOR distance of two ids, ordered as an unsigned 256-bit number by {@link Bytes32#compareTo}. */
    static Bytes32 distance(Bytes32 a, Bytes32 b) {
        byte[] x = new byte[Bytes32.SIZE];
        for (int i = 0; i < Bytes32.SIZE; i++) {
            x[i] = (byte) (a.get(i) ^ b.get(i));
        }
        return Bytes32.wrap(x);
    }

    static Comparator<DhtContact> byDistanceTo(Bytes32 target) {
        return (a, b) -> {
            for (int i = 0; i < Bytes32.SIZE; i++) {
                int da = (a.id().value().get(i) ^ target.get(i)) & 0xFF;
                int db = (b.id().value().get(i) ^ target.get(i)) & 0xFF;
                if (da != db) {
                    return Integer.compare(da, db);
                }
            }
            return 0;
        };
    }

    /**
     * Records that {@code contact} was heard from. Returns the head of its bucket when the bucket is full and the
     * contact went to the replacement cache: the caller pings that head and reports a failure with {@link #failed}.
     * Known addresses are kept when the contact comes without any.
     */
    Optional<PeerId> seen(DhtContact contact, long nowMillis) {
        int index = bucketIndex(self.value(), contact.id().value());
        if (index < 0) {
            return Optional.empty();
        }
        LinkedHashMap<PeerId, Entry> bucket = buckets.get(index);
        Entry known = bucket.remove(contact.id());
        if (known != null) {
            known.lastSeenMillis = nowMillis;
            if (!contact.addresses().isEmpty()) {
                known.contact = contact;
            }
            bucket.put(contact.id(), known);
            return Optional.empty();
        }
        LinkedHashMap<PeerId, Entry> spare = replacements.get(index);
        Entry previous = spare.remove(contact.id());
        DhtContact kept = contact.addresses().isEmpty() && previous != null ? previous.contact : contact;
        if (bucket.size() < k) {
            bucket.put(contact.id(), new Entry(kept, nowMillis));
            size++;
            return Optional.empty();
        }
        if (replacementCacheSize > 0) {
            spare.put(contact.id(), new Entry(kept, nowMillis));
            if (spare.size() > replacementCacheSize) {
                Iterator<PeerId> eldest = spare.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        return Optional.of(bucket.keySet().iterator().next());
    }

    /**
     * This table's contacts placed in a table for the id {@code newSelf} (a node whose id changed): bucket entries
     * first, then replacements, each group in order of when it was last heard from, keeping those times. A contact
     * whose new bucket is full goes to that bucket's replacement cache, as a newcomer would.
     */
    KademliaRoutingTable rekeyed(PeerId newSelf) {
        KademliaRoutingTable next = new KademliaRoutingTable(newSelf, k, replacementCacheSize);
        for (List<LinkedHashMap<PeerId, Entry>> group : List.of(buckets, replacements)) {
            List<Entry> entries = new ArrayList<>();
            group.forEach(bucket -> entries.addAll(bucket.values()));
            entries.sort(Comparator.comparingLong(e -> e.lastSeenMillis));
            for (Entry e : entries) {
                if (!next.contains(e.contact.id())) {
                    next.seen(e.contact, e.lastSeenMillis);
                }
            }
        }
        return next;
    }

    /** A ping to {@code peer} failed: it leaves its bucket and the newest replacement takes its place. */
    void failed(PeerId peer) {
        int index = bucketIndex(self.value(), peer.value());
        if (index < 0) {
            return;
        }
        LinkedHashMap<PeerId, Entry> spare = replacements.get(index);
        spare.remove(peer);
        if (buckets.get(index).remove(peer) == null) {
            return;
        }
        size--;
        if (!spare.isEmpty()) {
            PeerId newest = null;
            for (PeerId p : spare.keySet()) {
                newest = p;
            }
            buckets.get(index).put(newest, spare.remove(newest));
            size++;
        }
    }

    boolean contains(PeerId peer) {
        int index = bucketIndex(self.value(), peer.value());
        return index >= 0 && buckets.get(index).containsKey(peer);
    }

    Optional<DhtContact> contact(PeerId peer) {
        int index = bucketIndex(self.value(), peer.value());
        Entry e = index < 0 ? null : buckets.get(index).get(peer);
        return e == null ? Optional.empty() : Optional.of(e.contact);
    }

    /** Contacts in buckets (not replacements). */
    int size() {
        return size;
    }

    int bucketSize(int index) {
        return buckets.get(index).size();
    }

    int replacementCount(int index) {
        return replacements.get(index).size();
    }

    /**
     * Up to {@code n} contacts closest to {@code target} that {@code usable} accepts, nearest first. With
     * {@code b} the bucket {@code target} falls in, contacts of bucket {@code b} are nearer than those of every
     * bucket below it (their distances to the target share its top bit {@code b}), which are nearer than those
     * of buckets {@code b+1}, {@code b+2}, ... in turn; so only the buckets needed are read and sorted.
     */
    List<DhtContact> closest(Bytes32 target, int n, Predicate<PeerId> usable) {
        int b = bucketIndex(self.value(), target);
        List<DhtContact> out = new ArrayList<>(n);
        if (b >= 0) {
            addSorted(out, target, usable, b, b);
        }
        if (out.size() < n) {
            addSorted(out, target, usable, 0, b - 1);
        }
        for (int i = Math.max(b + 1, 0); i < BUCKETS && out.size() < n; i++) {
            addSorted(out, target, usable, i, i);
        }
        return out.size() <= n ? out : List.copyOf(out.subList(0, n));
    }

    private void addSorted(List<DhtContact> out, Bytes32 target, Predicate<PeerId> usable, int from, int to) {
        List<DhtContact> group = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            for (Entry e : buckets.get(i).values()) {
                if (usable.test(e.contact.id())) {
                    group.add(e.contact);
                }
            }
        }
        group.sort(byDistanceTo(target));
        out.addAll(group);
    }

    /** Contacts last heard from before {@code cutoffMillis}. */
    List<PeerId> notSeenSince(long cutoffMillis) {
        List<PeerId> stale = new ArrayList<>();
        for (LinkedHashMap<PeerId, Entry> bucket : buckets) {
            for (Entry e : bucket.values()) {
                if (e.lastSeenMillis < cutoffMillis) {
                    stale.add(e.contact.id());
                }
            }
        }
        return stale;
    }
}
