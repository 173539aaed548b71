package net.dig.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.Sha256;
import net.dig.wire.TimestampedPeerInfo;

/**
 * The address book: every peer address this node has heard of, in Bitcoin's {@code CAddrMan} layout
 * as Chia ports it ({@code chia/server/address_manager.py}; docs/formats/wire.md; Bitcoin Core addrman).
 *
 * <p>What. Two tables of 64-slot buckets: <b>new</b> (1024 buckets; addresses heard of, up to 8
 * references each) and <b>tried</b> (256 buckets; addresses we completed a handshake with, one slot
 * each). Bucket and slot come from SHA-256 keyed by a secret 256-bit key ({@code first8} = first 8
 * bytes of the digest as a big-endian unsigned integer):
 * <pre>
 *  tried_bucket = first8(K ‖ group(addr) ‖ u8(first8(K ‖ key(addr)) % 8)) % 256
 *  new_bucket   = first8(K ‖ group(src)  ‖ u8(first8(K ‖ group(addr) ‖ group(src)) % 64)) % 1024
 *  position     = first8(K ‖ ("N" | "K") ‖ u24(bucket) ‖ key(addr)) % 64
 * </pre>
 * with Chia's {@code key}/{@code group} ({@link PeerAddress#key()}, {@link PeerAddress#group()}); with an
 * asmap loaded, {@code group} is the address's AS where the map covers it ({@link AddressGroups}), so one
 * operator's many /16s share 8 tried buckets.
 *
 * <p>Why. A /16 can fill at most 8 tried buckets and one source group at most 64 new buckets, so an
 * attacker controlling a few networks cannot take over the table (Sybil/eclipse resistance), and the
 * secret key makes placement unpredictable.
 *
 * <p>Departures from Chia, all local state (nothing here is on the wire): entries are keyed by
 * address <i>and port</i> (Chia keys by host only; DIG's dig-gossip keys by host and port, and
 * several nodes behind one IP, as in loopback tests, must stay distinct); the timestamp refresh on
 * re-announcement uses Bitcoin's condition (Chia's Python tests {@code info.timestamp > 0}, which
 * refreshes on every announcement); an address announced by itself gets no time penalty (Bitcoin's rule).
 *
 * <p>Concurrency: not thread-safe; one owner (the discovery loop) calls it. Time comes from the
 * injected {@link Clock} (seconds), randomness from the injected {@link RandomGenerator}.
 * Failure modes: invalid or private addresses are ignored (returned {@code false}), never thrown.
 * Memory: bounded by the tables, at most 1024×64 + 256×64 entries.
 */
public final class AddressManager {
    static final int TRIED_BUCKETS_PER_GROUP = 8;
    static final int NEW_BUCKETS_PER_SOURCE_GROUP = 64;
    public static final int TRIED_BUCKET_COUNT = 256;
    public static final int NEW_BUCKET_COUNT = 1024;
    public static final int BUCKET_SIZE = 64;
    static final int LOG_TRIED_BUCKET_COUNT = 8;
    static final int LOG_NEW_BUCKET_COUNT = 10;
    static final int LOG_BUCKET_SIZE = 6;
    static final int TRIED_COLLISION_SIZE = 10;
    static final int NEW_BUCKETS_PER_ADDRESS = 8;
    static final long HORIZON_SECONDS = 30L * 86_400;
    static final int MAX_RETRIES = 3;
    static final long MIN_FAIL_SECONDS = 7L * 86_400;
    static final int MAX_FAILURES = 10;
    public static final int MAX_GET_PEERS = 1000;
    static final int GET_PEERS_PERCENT = 23;

    /** One known address. Mutable; owned by the manager. */
    static final class Entry {
        final int id;
        final PeerAddress addr;
        PeerAddress src;
        long timestamp;
        long lastTry;
        long lastCountAttempt;
        long lastSuccess;
        int numAttempts;
        int refCount;
        boolean tried;
        int randomPos = -1;
        /** The new-table slots holding this entry; its length in use is {@link #refCount}. */
        final int[] newSlots = new int[NEW_BUCKETS_PER_ADDRESS];

        void addSlot(int slot) {
            newSlots[refCount++] = slot;
        }

        void removeSlot(int slot) {
            for (int i = 0; i < refCount; i++) {
                if (newSlots[i] == slot) {
                    newSlots[i] = newSlots[--refCount];
                    return;
                }
            }
            throw new IllegalStateException("slot " + slot + " not held by " + addr);
        }

        Entry(int id, PeerAddress addr, PeerAddress src) {
            this.id = id;
            this.addr = addr;
            this.src = src;
        }

        boolean isTerrible(long now) {
            if (lastTry > 0 && lastTry >= now - 60) {
                return false;
            }
            if (timestamp > now + 600) {
                return true;
            }
            if (timestamp == 0 || now - timestamp > HORIZON_SECONDS) {
                return true;
            }
            if (lastSuccess == 0 && numAttempts >= MAX_RETRIES) {
                return true;
            }
            return now - lastSuccess > MIN_FAIL_SECONDS && numAttempts >= MAX_FAILURES;
        }

        double selectionChance(long now) {
            double chance = 1.0;
            if (Math.max(now - lastTry, 0) < 600) {
                chance *= 0.01;
            }
            return chance * Math.pow(0.66, Math.min(numAttempts, 8));
        }

        KnownAddress snapshot() {
            return new KnownAddress(addr, src, timestamp, lastTry, lastSuccess, numAttempts, tried, refCount);
        }
    }

    /** A read-only view of one entry. Times are epoch seconds (0 = never). */
    public record KnownAddress(PeerAddress address, PeerAddress source, long timestamp, long lastTry, long lastSuccess,
            int attempts, boolean tried, int references) {}

    private final Clock clock;
    private final RandomGenerator random;
    private final byte[] key;
    private final boolean allowPrivate;
    private final AddressGroups groups;

    private final Map<PeerAddress, Entry> byAddr = new HashMap<>();
    private final Map<Integer, Entry> byId = new HashMap<>();
    private final ArrayList<Integer> randomOrder = new ArrayList<>();
    private final int[] newMatrix = filled(NEW_BUCKET_COUNT * BUCKET_SIZE);
    private final int[] triedMatrix = filled(TRIED_BUCKET_COUNT * BUCKET_SIZE);
    private final SlotSet usedNew = new SlotSet(NEW_BUCKET_COUNT * BUCKET_SIZE);
    private final SlotSet usedTried = new SlotSet(TRIED_BUCKET_COUNT * BUCKET_SIZE);
    private final LinkedHashSet<Integer> triedCollisions = new LinkedHashSet<>();
    private int nextId = 1;
    private int newCount;
    private int triedCount;
    private long lastGood = 1;

    public AddressManager(Clock clock, RandomGenerator random, Bytes32 secretKey, boolean allowPrivateSubnets) {
        this(clock, random, secretKey, allowPrivateSubnets, AddressGroups.prefixOnly());
    }

    /** With {@code groups} deciding the {@code group(...)} of the bucket formulas (AS numbers when an asmap is loaded). */
    public AddressManager(Clock clock, RandomGenerator random, Bytes32 secretKey, boolean allowPrivateSubnets,
            AddressGroups groups) {
        this.clock = clock;
        this.random = random;
        this.key = secretKey.toArray();
        this.allowPrivate = allowPrivateSubnets;
        this.groups = groups;
    }

    /** A manager with a fresh secret key drawn from {@code random}. */
    public static AddressManager create(Clock clock, RandomGenerator random, boolean allowPrivateSubnets) {
        return create(clock, random, allowPrivateSubnets, AddressGroups.prefixOnly());
    }

    public static AddressManager create(Clock clock, RandomGenerator random, boolean allowPrivateSubnets, AddressGroups groups) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return new AddressManager(clock, random, Bytes32.wrap(k), allowPrivateSubnets, groups);
    }

    public AddressGroups groups() {
        return groups;
    }

    public Bytes32 secretKey() {
        return Bytes32.wrap(key);
    }

    public boolean allowsPrivateSubnets() {
        return allowPrivate;
    }

    public int size() {
        return randomOrder.size();
    }

    public int newCount() {
        return newCount;
    }

    public int triedCount() {
        return triedCount;
    }

    private long now() {
        return clock.epochSeconds();
    }

    // ---- bucket arithmetic -------------------------------------------------------------------

    private long first8(byte[]... parts) {
        byte[][] all = new byte[parts.length + 1][];
        all[0] = key;
        System.arraycopy(parts, 0, all, 1, parts.length);
        Bytes32 h = Sha256.hash(all);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h.get(i) & 0xFF);
        }
        return v;
    }

    private static int mod(long unsigned, int m) {
        return (int) Long.remainderUnsigned(unsigned, m);
    }

    int triedBucket(PeerAddress a) {
        int h1 = mod(first8(a.key()), TRIED_BUCKETS_PER_GROUP);
        return mod(first8(groups.group(a), new byte[] {(byte) h1}), TRIED_BUCKET_COUNT);
    }

    int newBucket(PeerAddress a, PeerAddress src) {
        byte[] srcGroup = groups.group(src);
        int h1 = mod(first8(groups.group(a), srcGroup), NEW_BUCKETS_PER_SOURCE_GROUP);
        return mod(first8(srcGroup, new byte[] {(byte) h1}), NEW_BUCKET_COUNT);
    }

    int bucketPosition(PeerAddress a, boolean isNew, int bucket) {
        byte[] b = {(byte) (bucket >>> 16), (byte) (bucket >>> 8), (byte) bucket};
        return mod(first8(new byte[] {(byte) (isNew ? 'N' : 'K')}, b, a.key()), BUCKET_SIZE);
    }

    // ---- adding --------------------------------------------------------------------------------

    /** Whether an address is acceptable at all (valid port, not private unless allowed). */
    public boolean isAcceptable(PeerAddress a) {
        return a.port() != 0 && (allowPrivate || !a.isPrivate())
                && (a.isOnion() || !a.ip().isAnyLocalAddress() && !a.ip().isMulticastAddress());
    }

    /**
     * Adds addresses heard from {@code source} (empty for DNS seeds or introducers) to the new table,
     * their timestamps aged by {@code penaltySeconds} (Chia: 2 h for peer-exchange entries). Entries
     * whose host is not an IP literal are skipped. Returns true if any address was new.
     */
    public boolean add(List<TimestampedPeerInfo> peers, Optional<PeerAddress> source, long penaltySeconds) {
        boolean anyNew = false;
        for (TimestampedPeerInfo p : peers) {
            Optional<PeerAddress> a = PeerAddress.parse(p.host(), p.port());
            if (a.isPresent()) {
                anyNew |= addOne(a.get(), p.timestamp(), source.orElse(a.get()), penaltySeconds);
            }
        }
        return anyNew;
    }

    /** Adds one address; see {@link #add}. */
    public boolean add(PeerAddress addr, long timestamp, Optional<PeerAddress> source, long penaltySeconds) {
        return addOne(addr, timestamp, source.orElse(addr), penaltySeconds);
    }

    private boolean addOne(PeerAddress addr, long timestamp, PeerAddress source, long penalty) {
        if (!isAcceptable(addr)) {
            return false;
        }
        if (addr.equals(source)) {
            penalty = 0;
        }
        Entry e = byAddr.get(addr);
        boolean unique = false;
        if (e != null) {
            boolean recentlySeen = now() - timestamp < 86_400;
            long interval = recentlySeen ? 3600 : 86_400;
            if (timestamp > 0 && (e.timestamp == 0 || e.timestamp < timestamp - interval - penalty)) {
                e.timestamp = Math.max(0, timestamp - penalty);
            }
            if (timestamp == 0 || (e.timestamp > 0 && timestamp <= e.timestamp)) {
                return false;
            }
            if (e.tried || e.refCount == NEW_BUCKETS_PER_ADDRESS) {
                return false;
            }
            int factor = 1 << e.refCount;
            if (factor > 1 && random.nextInt(factor) != 0) {
                return false;
            }
        } else {
            e = create(addr, source);
            e.timestamp = Math.max(0, timestamp - penalty);
            newCount++;
            unique = true;
        }
        int bucket = newBucket(addr, source);
        int pos = bucketPosition(addr, true, bucket);
        int slot = bucket * BUCKET_SIZE + pos;
        if (newMatrix[slot] != e.id) {
            boolean place = newMatrix[slot] == -1;
            if (!place) {
                Entry occupant = byId.get(newMatrix[slot]);
                place = occupant.isTerrible(now()) || (occupant.refCount > 1 && e.refCount == 0);
            }
            if (place) {
                clearNew(slot);
                setNew(slot, e.id);
            } else if (e.refCount == 0) {
                deleteNewEntry(e);
                return false;
            }
        }
        return unique;
    }

    private Entry create(PeerAddress addr, PeerAddress src) {
        Entry e = new Entry(nextId++, addr, src);
        byAddr.put(addr, e);
        byId.put(e.id, e);
        e.randomPos = randomOrder.size();
        randomOrder.add(e.id);
        return e;
    }

    private void setNew(int slot, int id) {
        newMatrix[slot] = id;
        usedNew.add(slot);
        byId.get(id).addSlot(slot);
    }

    private void clearNew(int slot) {
        int id = newMatrix[slot];
        if (id == -1) {
            return;
        }
        Entry e = byId.get(id);
        e.removeSlot(slot);
        newMatrix[slot] = -1;
        usedNew.remove(slot);
        if (e.refCount == 0) {
            deleteNewEntry(e);
        }
    }

    private void deleteNewEntry(Entry e) {
        swapRandom(e.randomPos, randomOrder.size() - 1);
        randomOrder.removeLast();
        byAddr.remove(e.addr);
        byId.remove(e.id);
        triedCollisions.remove(e.id);
        newCount--;
    }

    private void swapRandom(int i, int j) {
        if (i == j) {
            return;
        }
        int a = randomOrder.get(i);
        int b = randomOrder.get(j);
        randomOrder.set(i, b);
        randomOrder.set(j, a);
        byId.get(b).randomPos = i;
        byId.get(a).randomPos = j;
    }

    // ---- outcomes of connection attempts -------------------------------------------------------

    /**
     * A handshake with {@code addr} succeeded: move it to the tried table. If its tried slot is taken
     * and {@code testBeforeEvict}, the move waits in the collision set (at most 10) until
     * {@link #resolveTriedCollisions()} decides, after the net layer tested the occupant.
     */
    public void markGood(PeerAddress addr, boolean testBeforeEvict) {
        long now = now();
        lastGood = now;
        Entry e = byAddr.get(addr);
        if (e == null) {
            return;
        }
        e.lastSuccess = now;
        e.lastTry = now;
        e.numAttempts = 0;
        if (e.tried) {
            return;
        }
        if (e.refCount == 0) {
            return;
        }
        int tb = triedBucket(addr);
        int slot = tb * BUCKET_SIZE + bucketPosition(addr, false, tb);
        if (testBeforeEvict && triedMatrix[slot] != -1) {
            if (triedCollisions.size() < TRIED_COLLISION_SIZE) {
                triedCollisions.add(e.id);
            }
        } else {
            makeTried(e);
        }
    }

    private void makeTried(Entry e) {
        for (int i = 0; i < e.refCount; i++) {
            newMatrix[e.newSlots[i]] = -1;
            usedNew.remove(e.newSlots[i]);
        }
        e.refCount = 0;
        newCount--;
        int tb = triedBucket(e.addr);
        int slot = tb * BUCKET_SIZE + bucketPosition(e.addr, false, tb);
        if (triedMatrix[slot] != -1) {
            Entry old = byId.get(triedMatrix[slot]);
            old.tried = false;
            triedMatrix[slot] = -1;
            usedTried.remove(slot);
            triedCount--;
            int nb = newBucket(old.addr, old.src);
            int nslot = nb * BUCKET_SIZE + bucketPosition(old.addr, true, nb);
            clearNew(nslot);
            setNew(nslot, old.id);
            newCount++;
        }
        triedMatrix[slot] = e.id;
        usedTried.add(slot);
        triedCount++;
        e.tried = true;
        triedCollisions.remove(e.id);
    }

    /** A connection attempt was made; {@code countFailure} counts it against the address once per "good" epoch. */
    public void attempt(PeerAddress addr, boolean countFailure) {
        Entry e = byAddr.get(addr);
        if (e == null) {
            return;
        }
        long now = now();
        e.lastTry = now;
        if (countFailure && e.lastCountAttempt < lastGood) {
            e.lastCountAttempt = now;
            e.numAttempts++;
        }
    }

    /** We are connected to {@code addr}: refresh its timestamp, at most every 20 minutes. */
    public void connect(PeerAddress addr) {
        Entry e = byAddr.get(addr);
        if (e == null) {
            return;
        }
        long now = now();
        if (now - e.timestamp > 1200) {
            e.timestamp = now;
        }
    }

    // ---- selection -------------------------------------------------------------------------------

    /**
     * Picks an address to dial: 50 % from tried, 50 % from new (only new if {@code newOnly}, as for
     * feelers, or if tried is empty), favouring addresses not tried in the last 10 minutes and with few
     * failed attempts. Empty when there is nothing to pick.
     */
    public Optional<KnownAddress> select(boolean newOnly) {
        if (randomOrder.isEmpty() || (newOnly && newCount == 0)) {
            return Optional.empty();
        }
        boolean fromTried = !newOnly && triedCount > 0 && (newCount == 0 || random.nextInt(2) == 0);
        if (!fromTried && newCount == 0) {
            return Optional.empty();
        }
        int[] matrix = fromTried ? triedMatrix : newMatrix;
        SlotSet used = fromTried ? usedTried : usedNew;
        int buckets = fromTried ? TRIED_BUCKET_COUNT : NEW_BUCKET_COUNT;
        int logBuckets = fromTried ? LOG_TRIED_BUCKET_COUNT : LOG_NEW_BUCKET_COUNT;
        boolean sparse = used.size() < Math.sqrt(buckets * (double) BUCKET_SIZE);
        long now = now();
        double chance = 1.0;
        while (true) {
            int slot;
            if (sparse) {
                slot = used.get(random.nextInt(used.size()));
            } else {
                int b = random.nextInt(buckets);
                int p = random.nextInt(BUCKET_SIZE);
                while (matrix[b * BUCKET_SIZE + p] == -1) {
                    b = (b + random.nextInt(1 << logBuckets)) % buckets;
                    p = (p + random.nextInt(1 << LOG_BUCKET_SIZE)) % BUCKET_SIZE;
                }
                slot = b * BUCKET_SIZE + p;
            }
            Entry e = byId.get(matrix[slot]);
            if (random.nextInt(1 << 30) < chance * e.selectionChance(now) * (1 << 30)) {
                return Optional.of(e.snapshot());
            }
            chance *= 1.2;
        }
    }

    /** For a feeler: the tried-table occupant that a pending collision would evict, if any. */
    public Optional<KnownAddress> selectTriedCollision() {
        if (triedCollisions.isEmpty()) {
            return Optional.empty();
        }
        int pick = random.nextInt(triedCollisions.size());
        int id = triedCollisions.stream().skip(pick).findFirst().orElseThrow();
        Entry e = byId.get(id);
        if (e == null) {
            triedCollisions.remove(id);
            return Optional.empty();
        }
        int tb = triedBucket(e.addr);
        int occupant = triedMatrix[tb * BUCKET_SIZE + bucketPosition(e.addr, false, tb)];
        return occupant == -1 ? Optional.empty() : Optional.of(byId.get(occupant).snapshot());
    }

    /**
     * Settles pending tried-table collisions: keep the occupant if it succeeded within 4 h; replace it
     * if it was tried within 4 h but more than 60 s ago (and so failed); replace it anyway once the
     * newcomer has waited more than 40 minutes; move in directly if the slot has emptied.
     */
    public void resolveTriedCollisions() {
        long now = now();
        for (Integer id : List.copyOf(triedCollisions)) {
            Entry e = byId.get(id);
            boolean resolved = false;
            if (e == null) {
                resolved = true;
            } else {
                int tb = triedBucket(e.addr);
                int occupant = triedMatrix[tb * BUCKET_SIZE + bucketPosition(e.addr, false, tb)];
                if (occupant != -1) {
                    Entry old = byId.get(occupant);
                    if (now - old.lastSuccess < 4 * 3600) {
                        resolved = true;
                    } else if (now - old.lastTry < 4 * 3600) {
                        if (now - old.lastTry > 60) {
                            markGoodNoCollision(e);
                            resolved = true;
                        }
                    } else if (now - e.lastSuccess > 40 * 60) {
                        markGoodNoCollision(e);
                        resolved = true;
                    }
                } else {
                    markGoodNoCollision(e);
                    resolved = true;
                }
            }
            if (resolved) {
                triedCollisions.remove(id);
            }
        }
    }

    private void markGoodNoCollision(Entry e) {
        triedCollisions.remove(e.id);
        markGood(e.addr, false);
    }

    public int pendingCollisions() {
        return triedCollisions.size();
    }

    // ---- sharing and housekeeping ----------------------------------------------------------------

    /**
     * Addresses to answer a RespondPeers with: a random sample of at most
     * {@code min(1000, ceil(23 % of size))} entries, skipping terrible ones and (unless allowed) private ones.
     */
    public List<TimestampedPeerInfo> getPeers() {
        int n = randomOrder.size();
        int wanted = Math.min(MAX_GET_PEERS, (GET_PEERS_PERCENT * n + 99) / 100);
        long now = now();
        List<TimestampedPeerInfo> out = new ArrayList<>(wanted);
        for (int i = 0; i < n && out.size() < wanted; i++) {
            swapRandom(i, i + random.nextInt(n - i));
            Entry e = byId.get(randomOrder.get(i));
            if (!isAcceptable(e.addr) || e.isTerrible(now)) {
                continue;
            }
            out.add(new TimestampedPeerInfo(e.addr.host(), e.addr.port(), e.timestamp));
        }
        return out;
    }

    /** Drops new-table entries older than {@code maxAgeSeconds} with at least {@code maxFailures} attempts. */
    public int cleanup(long maxAgeSeconds, int maxFailures) {
        long now = now();
        int removed = 0;
        for (int slot = 0; slot < newMatrix.length; slot++) {
            int id = newMatrix[slot];
            if (id != -1) {
                Entry e = byId.get(id);
                if (e.timestamp < now - maxAgeSeconds && e.numAttempts >= maxFailures) {
                    boolean last = e.refCount == 1;
                    clearNew(slot);
                    removed += last ? 1 : 0;
                }
            }
        }
        return removed;
    }

    public Optional<KnownAddress> lookup(PeerAddress addr) {
        return Optional.ofNullable(byAddr.get(addr)).map(Entry::snapshot);
    }

    /** Every entry (order unspecified), for persistence, stats and tests. */
    public List<KnownAddress> entries() {
        return byAddr.values().stream().map(Entry::snapshot).toList();
    }

    // ---- persistence support ---------------------------------------------------------------------

    /** The new buckets an address occupies (for {@link AddressBookFile}). */
    List<Integer> newBucketsOf(PeerAddress addr) {
        Entry e = byAddr.get(addr);
        List<Integer> out = new ArrayList<>();
        if (e == null || e.tried) {
            return out;
        }
        for (int i = 0; i < e.refCount; i++) {
            out.add(e.newSlots[i] / BUCKET_SIZE);
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** Restores one entry exactly as saved; false if its slots are taken or it is unacceptable. */
    boolean restore(KnownAddress k, List<Integer> newBuckets, long lastCountAttempt) {
        if (byAddr.containsKey(k.address()) || !isAcceptable(k.address())) {
            return false;
        }
        if (k.tried()) {
            int tb = triedBucket(k.address());
            int slot = tb * BUCKET_SIZE + bucketPosition(k.address(), false, tb);
            if (triedMatrix[slot] != -1) {
                return false;
            }
            Entry e = fill(create(k.address(), k.source()), k, lastCountAttempt);
            e.tried = true;
            triedMatrix[slot] = e.id;
            usedTried.add(slot);
            triedCount++;
            return true;
        }
        List<Integer> free = new ArrayList<>();
        for (int b : newBuckets) {
            if (b >= 0 && b < NEW_BUCKET_COUNT && newMatrix[b * BUCKET_SIZE + bucketPosition(k.address(), true, b)] == -1
                    && !free.contains(b) && free.size() < NEW_BUCKETS_PER_ADDRESS) {
                free.add(b);
            }
        }
        if (free.isEmpty()) {
            return false;
        }
        Entry e = fill(create(k.address(), k.source()), k, lastCountAttempt);
        for (int b : free) {
            setNew(b * BUCKET_SIZE + bucketPosition(k.address(), true, b), e.id);
        }
        newCount++;
        return true;
    }

    private static Entry fill(Entry e, KnownAddress k, long lastCountAttempt) {
        e.timestamp = k.timestamp();
        e.lastTry = k.lastTry();
        e.lastSuccess = k.lastSuccess();
        e.numAttempts = k.attempts();
        e.lastCountAttempt = lastCountAttempt;
        return e;
    }

    long lastCountAttemptOf(PeerAddress addr) {
        Entry e = byAddr.get(addr);
        return e == null ? 0 : e.lastCountAttempt;
    }

    long lastGood() {
        return lastGood;
    }

    void setLastGood(long value) {
        lastGood = value;
    }

    /**
     * Checks every internal invariant; throws {@link IllegalStateException} naming the first broken one.
     * Used by tests and after loading a file.
     */
    void checkConsistency() {
        int seenNew = 0;
        int seenTried = 0;
        Map<Integer, Integer> refs = new HashMap<>();
        for (int slot = 0; slot < newMatrix.length; slot++) {
            int id = newMatrix[slot];
            if (id == -1) {
                check(!usedNew.contains(slot), "empty new slot listed as used");
                continue;
            }
            check(usedNew.contains(slot), "new slot not listed as used");
            Entry e = byId.get(id);
            check(e != null, "new slot points to unknown id " + id);
            check(!e.tried, "tried entry in the new table: " + e.addr);
            int b = slot / BUCKET_SIZE;
            check(slot % BUCKET_SIZE == bucketPosition(e.addr, true, b), "entry in the wrong new position: " + e.addr);
            refs.merge(id, 1, Integer::sum);
        }
        for (int slot = 0; slot < triedMatrix.length; slot++) {
            int id = triedMatrix[slot];
            if (id == -1) {
                check(!usedTried.contains(slot), "empty tried slot listed as used");
                continue;
            }
            check(usedTried.contains(slot), "tried slot not listed as used");
            Entry e = byId.get(id);
            check(e != null && e.tried, "tried slot holds a non-tried entry");
            int tb = triedBucket(e.addr);
            check(slot == tb * BUCKET_SIZE + bucketPosition(e.addr, false, tb), "entry in the wrong tried slot: " + e.addr);
            seenTried++;
        }
        for (Entry e : byId.values()) {
            check(byAddr.get(e.addr) == e, "address map out of sync for " + e.addr);
            check(randomOrder.get(e.randomPos) == e.id, "random order out of sync for " + e.addr);
            if (e.tried) {
                check(!refs.containsKey(e.id), "tried entry also in new table: " + e.addr);
            } else {
                int r = refs.getOrDefault(e.id, 0);
                check(r == e.refCount && r >= 1 && r <= NEW_BUCKETS_PER_ADDRESS, "bad reference count for " + e.addr);
                for (int i = 0; i < e.refCount; i++) {
                    check(newMatrix[e.newSlots[i]] == e.id, "slot list out of sync for " + e.addr);
                }
                seenNew++;
            }
        }
        check(byId.size() == byAddr.size() && byId.size() == randomOrder.size(), "map sizes differ");
        check(seenNew == newCount, "new count " + newCount + " but " + seenNew + " new entries");
        check(seenTried == triedCount, "tried count " + triedCount + " but " + seenTried + " tried entries");
        check(triedCollisions.size() <= TRIED_COLLISION_SIZE, "too many collisions");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("address book inconsistent: " + what);
        }
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, -1);
        return a;
    }

    /** A set of slot indices with O(1) add, remove and uniform random pick. */
    private static final class SlotSet {
        private final int[] items;
        private final int[] indexOf;
        private int size;

        SlotSet(int capacity) {
            items = new int[capacity];
            indexOf = filled(capacity);
        }

        void add(int slot) {
            if (indexOf[slot] == -1) {
                indexOf[slot] = size;
                items[size++] = slot;
            }
        }

        void remove(int slot) {
            int i = indexOf[slot];
            if (i != -1) {
                int last = items[--size];
                items[i] = last;
                indexOf[last] = i;
                indexOf[slot] = -1;
            }
        }

        boolean contains(int slot) {
            return indexOf[slot] != -1;
        }

        int get(int i) {
            return items[i];
        }

        int size() {
            return size;
        }
    }
}
