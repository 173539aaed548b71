package net.dig.service;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.dig.wire.HandleLabels;
import net.dig.wire.NodePayload.HandleRegistration;

/**
 * The one rule by which every node resolves a handle (docs/decisions.md D64a): a pure function of the set
 * of valid records it holds for a label, so nodes holding the same set answer the same, whatever order the
 * records arrived in.
 *
 * <h2>The rule</h2>
 * The records of a label are taken in ascending {@code (registered_at, id)} order ({@code id} = SHA-256 of
 * the signed bytes, the tie-breaker two registrations of the same second cannot both win). The label is
 * free at the start. A record takes the label when it is free at the record's {@code registered_at} (no
 * holder yet, the holder revoked, or the holder expired at or before that time), or when it is signed by the
 * holder's owner key (the owner renews, re-points, re-tiers or revokes). Any other record loses, whenever it
 * arrived. A revocation that finds the label free takes nothing.
 *
 * <h2>Status of the holder at time {@code now}</h2>
 * <pre>
 *  label in HandleLabels.RESERVED                 RESERVED (no record)
 *  the holding record is a revocation             REVOKED
 *  now >= expires_at                              EXPIRED
 *  now <  registered_at + SETTLE_SECONDS          PENDING  (an earlier registration may still be in flight)
 *  otherwise                                      ACTIVE
 * </pre>
 * {@link #SETTLE_SECONDS} is twice the clock skew a node allows at receipt: a competing registration with an
 * earlier time is accepted live only within that skew of its time, so once a holder has been settled that
 * long, only anti-entropy from a node that was partitioned can still change it.
 *
 * <p>Stateless and thread-safe.
 */
public final class HandleNamespace {
    /** How long a new holder is PENDING. */
    public static final long SETTLE_SECONDS = 2 * net.dig.wire.NodePayload.HandleRegistration.MAX_SKEW_SECONDS;

    /** Where a handle stands. */
    public enum Status {
        RESERVED, PENDING, ACTIVE, EXPIRED, REVOKED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A label's status and, unless RESERVED, the record that holds it. */
    public record Resolution(String label, Status status, Optional<HandleRegistration> record) {}

    private static final Comparator<HandleRegistration> ORDER = Comparator.comparingLong(HandleRegistration::registeredAt)
            .thenComparing(HandleRegistration::id);

    private HandleNamespace() {}

    /** The record that holds the label among {@code records} (all of one label, all valid), if any. */
    public static Optional<HandleRegistration> holder(Collection<HandleRegistration> records) {
        List<HandleRegistration> ordered = records.stream().sorted(ORDER).toList();
        HandleRegistration holder = null;
        for (HandleRegistration r : ordered) {
            boolean free = holder == null || holder.revoked() || holder.expiresAt() <= r.registeredAt();
            boolean sameOwner = holder != null && Arrays.equals(holder.ownerPublicKey(), r.ownerPublicKey());
            if (sameOwner || free && !r.revoked()) {
                holder = r;
            }
        }
        return Optional.ofNullable(holder);
    }

    /** The resolution of {@code label} at {@code nowSeconds}; empty when no record holds it. */
    public static Optional<Resolution> resolve(String label, Collection<HandleRegistration> records, long nowSeconds) {
        if (HandleLabels.reserved(label)) {
            return Optional.of(new Resolution(label, Status.RESERVED, Optional.empty()));
        }
        return holder(records).map(h -> new Resolution(label, status(h, nowSeconds), Optional.of(h)));
    }

    static Status status(HandleRegistration holder, long nowSeconds) {
        if (holder.revoked()) {
            return Status.REVOKED;
        }
        if (nowSeconds >= holder.expiresAt()) {
            return Status.EXPIRED;
        }
        return nowSeconds < holder.registeredAt() + SETTLE_SECONDS ? Status.PENDING : Status.ACTIVE;
    }
}
