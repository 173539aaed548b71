package net.dig.gossip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.wire.HoldingsAnnounce;
import net.dig.wire.Message;
import net.dig.wire.WireException;

/**
 * Which peer holds what, learnt from the peers' own signed holdings announcements (opcode 222,
 * docs/formats/wire.md "Holdings (222)", docs/decisions.md D40d1), and the {@link MessageValidator} that
 * admits them.
 *
 * <h2>Checks, in order</h2>
 * <pre>
 *  decodes as a 222 body                                  else REJECT MALFORMED_MESSAGE
 *  sizes, peer id = SHA-256(spki), P-256 key, signature   else REJECT INVALID_SIGNATURE
 *  the provider is the connection's peer                  else IGNORE (a relayed copy: one hop only)
 *  |announced_at - now| &lt;= freshness                      else REJECT STALE_MESSAGE
 *  seq above the provider's last accepted seq              else REJECT REPLAYED_MESSAGE
 *  sender within its frame and delta budgets per window   else IGNORE (over rate, unpenalised, D31a)
 * </pre>
 * An accepted announcement's deltas are applied in order: Add records (provider, addresses, expiry) under
 * the content key, Remove drops it. The verdict returned is IGNORE even then, so the message router
 * neither delivers nor forwards it: the book is its consumer and a holdings announcement travels one hop.
 * {@link #accepted} counts what was applied.
 *
 * <h2>Bounds</h2>
 * At most {@code maxProviders} providers (the least recently heard one is forgotten with all it held),
 * {@code maxKeysPerProvider} keys each and {@link #MAX_ENTRIES} (key, provider) entries in all; further adds
 * are dropped. Entries past their {@code expires_at} are not returned.
 *
 * <h2>Memory</h2>
 * One {@link Holder} per (key, provider); a provider's holders share one address list while it announces the
 * same addresses, and a key's holders are one small array (most keys have few holders) rather than a map.
 *
 * <h2>Concurrency</h2>
 * Thread-safe (one lock); the signature check runs before the lock. Never throws on bad input.
 */
public final class HoldingsBook implements MessageValidator {
    /** A provider of a content key, where it said it serves it, and until when (unix seconds). */
    public record Holder(PeerId peer, List<HoldingsAnnounce.Address> addresses, long expiresAt) {
        public Holder {
            Objects.requireNonNull(peer, "peer");
            addresses = List.copyOf(addresses);
        }
    }

    private static final class Provider {
        boolean seen;
        long lastSeq;
        long windowStartMillis;
        int frames;
        int deltas;
        List<HoldingsAnnounce.Address> addresses = List.of();
        final Map<Bytes32, Holder> keys = new HashMap<>();
    }

    /** (key, provider) entries the book holds at most, over all providers. */
    public static final int MAX_ENTRIES = 1 << 18;

    private final Clock clock;
    private final HoldingsConfig config;
    private final LinkedHashMap<PeerId, Provider> providers = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Bytes32, Holder[]> byKey = new HashMap<>();
    private final int maxEntries;
    private int entries;
    private long accepted;

    public HoldingsBook(Clock clock, HoldingsConfig config) {
        this(clock, config, MAX_ENTRIES);
    }

    HoldingsBook(Clock clock, HoldingsConfig config, int maxEntries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
        this.maxEntries = maxEntries;
    }

    @Override
    public CompletionStage<Verdict> validate(PeerId from, Message message) {
        return CompletableFuture.completedFuture(offer(from, message.data()));
    }

    /** Checks one 222 body from {@code from} and, if it passes, applies its deltas. */
    public Verdict offer(PeerId from, byte[] body) {
        HoldingsAnnounce a;
        try {
            a = HoldingsAnnounce.decode(body);
        } catch (WireException e) {
            return Verdict.reject(PenaltyReason.MALFORMED_MESSAGE);
        }
        return offer(from, a);
    }

    /** Checks a decoded announcement from {@code from} and, if it passes, applies its deltas. */
    public Verdict offer(PeerId from, HoldingsAnnounce a) {
        if (a.check() != null) {
            return Verdict.reject(PenaltyReason.INVALID_SIGNATURE);
        }
        PeerId provider = new PeerId(a.claimedPeerId());
        if (!provider.equals(from)) {
            return Verdict.IGNORE;
        }
        long nowMillis = clock.millis();
        if (Math.abs(a.announcedAt() - Math.floorDiv(nowMillis, 1000L)) > config.freshness().toSeconds()) {
            return Verdict.reject(PenaltyReason.STALE_MESSAGE);
        }
        synchronized (this) {
            Provider p = providers.get(provider);
            if (p != null && p.seen && Long.compareUnsigned(a.seq(), p.lastSeq) <= 0) {
                return Verdict.reject(PenaltyReason.REPLAYED_MESSAGE);
            }
            if (p == null) {
                p = new Provider();
                p.windowStartMillis = nowMillis;
                providers.put(provider, p);
                evictBeyondBound();
            }
            if (nowMillis - p.windowStartMillis >= config.window().toMillis()) {
                p.windowStartMillis = nowMillis;
                p.frames = 0;
                p.deltas = 0;
            }
            if (p.frames + 1 > config.framesPerWindow() || p.deltas + a.changes().size() > config.deltasPerWindow()) {
                return Verdict.IGNORE;
            }
            p.frames++;
            p.deltas += a.changes().size();
            p.seen = true;
            p.lastSeq = a.seq();
            for (HoldingsAnnounce.Change c : a.changes()) {
                apply(provider, p, c);
            }
            accepted++;
        }
        return Verdict.IGNORE;
    }

    private void apply(PeerId provider, Provider p, HoldingsAnnounce.Change change) {
        Bytes32 key = change.contentKey();
        switch (change) {
            case HoldingsAnnounce.Add add -> {
                boolean known = p.keys.containsKey(key);
                if (!known && (p.keys.size() >= config.maxKeysPerProvider() || entries >= maxEntries)) {
                    return;
                }
                if (!add.addresses().equals(p.addresses)) {
                    p.addresses = List.copyOf(add.addresses());
                }
                Holder h = new Holder(provider, p.addresses, add.expiresAt());
                p.keys.put(key, h);
                putHolder(key, h);
                if (!known) {
                    entries++;
                }
            }
            case HoldingsAnnounce.Remove remove -> {
                if (p.keys.remove(key) != null) {
                    dropFromKey(key, provider);
                }
            }
        }
    }

    private void putHolder(Bytes32 key, Holder h) {
        Holder[] held = byKey.get(key);
        if (held == null) {
            byKey.put(key, new Holder[] {h});
            return;
        }
        for (int i = 0; i < held.length; i++) {
            if (held[i].peer().equals(h.peer())) {
                held[i] = h;
                return;
            }
        }
        Holder[] grown = Arrays.copyOf(held, held.length + 1);
        grown[held.length] = h;
        byKey.put(key, grown);
    }

    private void dropFromKey(Bytes32 key, PeerId provider) {
        Holder[] held = byKey.get(key);
        if (held == null) {
            return;
        }
        for (int i = 0; i < held.length; i++) {
            if (held[i].peer().equals(provider)) {
                entries--;
                if (held.length == 1) {
                    byKey.remove(key);
                } else {
                    Holder[] shrunk = new Holder[held.length - 1];
                    System.arraycopy(held, 0, shrunk, 0, i);
                    System.arraycopy(held, i + 1, shrunk, i, held.length - i - 1);
                    byKey.put(key, shrunk);
                }
                return;
            }
        }
    }

    private void evictBeyondBound() {
        while (providers.size() > config.maxProviders()) {
            Map.Entry<PeerId, Provider> eldest = providers.entrySet().iterator().next();
            forgetLocked(eldest.getKey(), eldest.getValue());
        }
    }

    private void forgetLocked(PeerId peer, Provider p) {
        providers.remove(peer);
        for (Bytes32 key : p.keys.keySet()) {
            dropFromKey(key, peer);
        }
    }

    /** Drops everything {@code peer} announced (its sequence too: a restarted peer's next message is new). */
    public synchronized void forget(PeerId peer) {
        Provider p = providers.get(peer);
        if (p != null) {
            forgetLocked(peer, p);
        }
    }

    /** The peers that hold {@code contentKey} and whose announcement has not expired, in PeerId order. */
    public synchronized List<Holder> holders(Bytes32 contentKey) {
        Holder[] holders = byKey.get(contentKey);
        if (holders == null) {
            return List.of();
        }
        long now = clock.epochSeconds();
        List<Holder> out = new ArrayList<>(holders.length);
        for (Holder h : holders) {
            if (Long.compareUnsigned(h.expiresAt(), now) > 0) {
                out.add(h);
            }
        }
        out.sort((x, y) -> x.peer().compareTo(y.peer()));
        return out;
    }

    /** The content keys some provider announced (expired announcements included until renewed or removed). */
    public synchronized List<Bytes32> contentKeys() {
        return List.copyOf(byKey.keySet());
    }

    /** Providers remembered. */
    public synchronized int providers() {
        return providers.size();
    }

    /** (key, provider) entries held, expired ones included until their provider removes or renews them. */
    public synchronized int entries() {
        return entries;
    }

    /** Announcements accepted and applied so far. */
    public synchronized long accepted() {
        return accepted;
    }
}
