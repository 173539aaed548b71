package net.dig.service;

import java.util.Optional;

/**
 * A selective node's {@code ai_filter}: rates a datastore version, before it is fetched, in [0, 1]; the
 * node keeps it when the score reaches {@code node.selective.score_threshold} ({@link SelectivePolicy}).
 * Implementations are pure functions of the candidate and the time (no I/O), so a decision can be
 * replayed. {@link #named} finds a built-in one by its config name.
 */
public interface ContentScorer {
    /** The name {@code node.selective.ai_filter} gives it. */
    String name();

    /** The score of {@code candidate} at {@code nowMillis} (Unix millis), in [0, 1]. */
    double score(HoldingCandidate candidate, long nowMillis);

    /** The built-in scorer called {@code name}: only {@link ContentValueModel#NAME} exists. */
    static Optional<ContentScorer> named(String name) {
        return ContentValueModel.NAME.equals(name) ? Optional.of(ContentValueModel.standard()) : Optional.empty();
    }
}
