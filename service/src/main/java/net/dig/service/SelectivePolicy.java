package net.dig.service;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Selective mode: keep only what the operator's lists, size limit and optional content scorer allow
 * ({@code node.selective.*}, docs/config.md).
 *
 * <p>The checks, in order, the first that refuses deciding: a {@link DatastorePattern} of
 * {@code blacklist} matches ({@link Reason#BLACKLISTED}); the blacklist has a glob with a wildcard and the
 * name is not known ({@link Reason#NAME_UNKNOWN}: a peer could otherwise withhold the name to pass the
 * glob); {@code whitelist} is not empty and none of it matches ({@link Reason#NAME_UNKNOWN} when one of its
 * globs has a wildcard and the name is not known, else {@link Reason#NOT_WHITELISTED}); the signed total size is above {@code max_size_gb}
 * ({@link Reason#TOO_LARGE}); a scorer is set and rates the candidate below {@code threshold}
 * ({@link Reason#LOW_SCORE}). Otherwise it is kept: {@link Reason#WHITELISTED} when a whitelist entry
 * matched, else {@link Reason#SCORED} when a scorer passed it, else {@link Reason#NOT_REFUSED}. So the
 * default (empty lists, no size limit, no scorer) keeps every valid version offered, as a node did before
 * modes existed. A whitelisted datastore is still subject to the size limit and the scorer.
 *
 * <p>Immutable and thread-safe; the scorer is asked with the injected clock's time.
 */
public final class SelectivePolicy implements HoldingPolicy {
    private final List<DatastorePattern> whitelist;
    private final List<DatastorePattern> blacklist;
    private final long maxSizeBytes;
    private final Optional<ContentScorer> scorer;
    private final double threshold;
    private final net.dig.core.Clock clock;

    /**
     * @param maxSizeBytes the largest total size kept, {@code 0} for no limit
     * @param scorer the {@code ai_filter}, if any
     * @param threshold the lowest score kept, in [0, 1]
     */
    public SelectivePolicy(List<String> whitelist, List<String> blacklist, long maxSizeBytes, Optional<ContentScorer> scorer,
            double threshold, net.dig.core.Clock clock) {
        this.whitelist = whitelist.stream().map(DatastorePattern::of).toList();
        this.blacklist = blacklist.stream().map(DatastorePattern::of).toList();
        if (maxSizeBytes < 0) {
            throw new IllegalArgumentException("maxSizeBytes must not be negative");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        this.maxSizeBytes = maxSizeBytes;
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.threshold = threshold;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The default: empty lists, no size limit, no scorer; keeps every candidate ({@link Reason#NOT_REFUSED}). */
    public static SelectivePolicy keepingAll(net.dig.core.Clock clock) {
        return new SelectivePolicy(List.of(), List.of(), 0, Optional.empty(), 0, clock);
    }

    @Override
    public String mode() {
        return "selective";
    }

    @Override
    public Verdict decide(HoldingCandidate c) {
        if (blacklist.stream().anyMatch(p -> p.matches(c))) {
            return Verdict.of(Reason.BLACKLISTED);
        }
        if (blacklist.stream().anyMatch(p -> p.undecided(c))) {
            return Verdict.of(Reason.NAME_UNKNOWN);
        }
        boolean listed = whitelist.stream().anyMatch(p -> p.matches(c));
        if (!whitelist.isEmpty() && !listed) {
            return Verdict.of(whitelist.stream().anyMatch(p -> p.undecided(c)) ? Reason.NAME_UNKNOWN : Reason.NOT_WHITELISTED);
        }
        if (maxSizeBytes > 0 && c.totalSize() > maxSizeBytes) {
            return Verdict.of(Reason.TOO_LARGE);
        }
        if (scorer.isPresent() && scorer.get().score(c, clock.millis()) < threshold) {
            return Verdict.of(Reason.LOW_SCORE);
        }
        return Verdict.of(listed ? Reason.WHITELISTED : scorer.isPresent() ? Reason.SCORED : Reason.NOT_REFUSED);
    }
}
