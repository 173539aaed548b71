package net.dig.service;

import java.util.Objects;

/**
 * What this node keeps: the operating mode's answer, before a byte is fetched, to "keep this datastore
 * version?" (the DIG Node seed's "Operational Modes"; docs/decisions.md D62a).
 *
 * <h2>What</h2>
 * {@link #decide} looks only at what is known without fetching ({@link HoldingCandidate}: the signed
 * version record, the name when it is known to be the one the owner signed, demand signals) and answers a {@link Verdict} with a
 * typed {@link Reason}. {@link ReplicationService} asks it for every offer it would otherwise accept and
 * carries the reason's name in the offer answer; {@link HoldingReview} asks it again for what the node
 * holds when the mode changes. A refusal is clean: nothing is fetched, no peer is penalised.
 *
 * <h2>Implementations</h2>
 * {@link ArchivePolicy} (keep everything, within {@code tier_filter}), {@link SelectivePolicy} (lists,
 * size, scorer); {@link #declining} for a mode that takes nothing from offers (cache mode reads through
 * instead). Implementations are immutable, so a reload swaps one for another atomically.
 */
public interface HoldingPolicy {
    /** Why a version is kept or refused; the name travels in the offer answer. */
    enum Reason {
        /** Archive mode with {@code accept_all}: everything the network announces. */
        ACCEPT_ALL(true),
        /** A new version of a datastore this node already keeps. */
        HELD_UPDATE(true),
        /** Selective mode: a whitelist entry matched. */
        WHITELISTED(true),
        /** Selective mode with an empty whitelist: nothing refused it. */
        NOT_REFUSED(true),
        /** Selective mode: the content scorer rated it at or above the threshold. */
        SCORED(true),
        /** Archive mode without {@code accept_all}: only new versions of what is held are taken. */
        NOT_ACCEPTING(false),
        /** Archive mode: its known tier is not in {@code tier_filter}. */
        TIER_FILTERED(false),
        /** Selective mode: a blacklist entry matched. */
        BLACKLISTED(false),
        /** Selective mode: the whitelist is not empty and no entry matched. */
        NOT_WHITELISTED(false),
        /**
         * Selective mode: a list has a glob that could match the datastore's name, and the name is not known (no name
         * was offered with the version, or the one offered does not hash to the owner-signed name hash).
         */
        NAME_UNKNOWN(false),
        /** Selective mode: larger than {@code max_size_gb}. */
        TOO_LARGE(false),
        /** Selective mode: the content scorer rated it below the threshold. */
        LOW_SCORE(false),
        /** The mode takes nothing from offers (cache mode fetches on a read miss instead). */
        READ_THROUGH_ONLY(false);

        private final boolean keeps;

        Reason(boolean keeps) {
            this.keeps = keeps;
        }

        public boolean keeps() {
            return keeps;
        }
    }

    /** Whether to keep, and why. */
    record Verdict(boolean keep, Reason reason) {
        public Verdict {
            Objects.requireNonNull(reason, "reason");
            if (keep != reason.keeps()) {
                throw new IllegalArgumentException(reason + " does not " + (keep ? "keep" : "refuse"));
            }
        }

        static Verdict of(Reason reason) {
            return new Verdict(reason.keeps(), reason);
        }
    }

    /** The mode's name as in {@code node.mode}. */
    String mode();

    /** Whether {@code candidate} is kept; pure and quick (no I/O). */
    Verdict decide(HoldingCandidate candidate);

    /**
     * Whether this mode takes a copy of every datastore it hears of (holdings announcements, the DHT), however many
     * holders it has, not only of those offered to it or short of holders: an archive with {@code accept_all}.
     */
    default boolean takesEverything() {
        return false;
    }

    /** A policy of mode {@code mode} that refuses every candidate with {@link Reason#READ_THROUGH_ONLY}. */
    static HoldingPolicy declining(String mode) {
        Objects.requireNonNull(mode, "mode");
        return new HoldingPolicy() {
            @Override
            public String mode() {
                return mode;
            }

            @Override
            public Verdict decide(HoldingCandidate candidate) {
                return Verdict.of(Reason.READ_THROUGH_ONLY);
            }
        };
    }
}
