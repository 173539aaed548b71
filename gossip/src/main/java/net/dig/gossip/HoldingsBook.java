package net.dig.gossip;

import java.util.ArrayList;
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
 * At most {@code maxProviders} providers (the least recently heard one is forgotten with all it held) and
 * {@code maxKeysPerProvider} keys each (further adds are dropped). Entries past their {@code expires_at}
 * are not returned.
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
        final Map<Bytes32, Holder> keys = new HashMap<>();
    }

    private final Clock clock;
    private final HoldingsConfig config;
    private final LinkedHashMap<PeerId, Provider> providers = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Bytes32, Map<PeerId, Holder>> byKey = new HashMap<>();
    private long accepted;

    public HoldingsBook(Clock clock, HoldingsConfig config) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
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
                if (!p.keys.containsKey(key) && p.keys.size() >= config.maxKeysPerProvider()) {
                    return;
                }
                Holder h = new Holder(provider, add.addresses(), add.expiresAt());
                p.keys.put(key, h);
                byKey.computeIfAbsent(key, k -> new HashMap<>()).put(provider, h);
            }
            case HoldingsAnnounce.Remove remove -> {
                if (p.keys.remove(key) != null) {
                    dropFromKey(key, provider);
                }
            }
        }
    }

    private void dropFromKey(Bytes32 key, PeerId provider) {
        Map<PeerId, Holder> holders = byKey.get(key);
        if (holders != null) {
            holders.remove(provider);
            if (holders.isEmpty()) {
                byKey.remove(key);
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
        Map<PeerId, Holder> holders = byKey.get(contentKey);
        if (holders == null) {
            return List.of();
        }
        long now = clock.epochSeconds();
        List<Holder> out = new ArrayList<>();
        for (Holder h : holders.values()) {
            if (Long.compareUnsigned(h.expiresAt(), now) > 0) {
                out.add(h);
            }
        }
        out.sort((x, y) -> x.peer().compareTo(y.peer()));
        return out;
    }

    /** Providers remembered. */
    public synchronized int providers() {
        return providers.size();
    }

    /** Announcements accepted and applied so far. */
    public synchronized long accepted() {
        return accepted;
    }
}
