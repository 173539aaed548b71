package net.dig.gossip;

import java.util.Objects;

/**
 * What a {@link MessageValidator} decided about one received payload.
 * <ul>
 *   <li>{@link Outcome#ACCEPT}: the payload is delivered to the application and forwarded (eager push,
 *       lazy announcement).</li>
 *   <li>{@link Outcome#IGNORE}: dropped without penalty (e.g. valid but stale, or not checkable yet); it is
 *       neither delivered nor forwarded.</li>
 *   <li>{@link Outcome#REJECT}: dropped, and the peer it came from is penalised with {@link #penalty()}.</li>
 * </ul>
 *
 * @param penalty the reason charged to the sender; present exactly when the outcome is REJECT
 */
public record Verdict(Outcome outcome, PenaltyReason penalty) {
    public enum Outcome { ACCEPT, IGNORE, REJECT }

    public static final Verdict ACCEPT = new Verdict(Outcome.ACCEPT, null);
    public static final Verdict IGNORE = new Verdict(Outcome.IGNORE, null);

    public Verdict {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.REJECT) != (penalty != null)) {
            throw new IllegalArgumentException("a penalty goes with REJECT and only with REJECT (outcome " + outcome + ")");
        }
    }

    /** A rejection that charges the sender {@code reason}'s points. */
    public static Verdict reject(PenaltyReason reason) {
        return new Verdict(Outcome.REJECT, Objects.requireNonNull(reason, "reason"));
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPT;
    }
}
