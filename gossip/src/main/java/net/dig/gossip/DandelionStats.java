package net.dig.gossip;

/**
 * Counters of one {@link DandelionRouter} since it started.
 *
 * @param stemmed         transactions sent on along the stem (own ones on the fixed route included)
 * @param fluffed         transactions whose stem phase ended here (fluffing epoch, no route, Dandelion++ off)
 * @param embargoesFired  of those, the ones fluffed because their embargo expired unseen (the fail-safe)
 */
public record DandelionStats(long stemmed, long fluffed, long embargoesFired) {
    public static final DandelionStats NONE = new DandelionStats(0, 0, 0);
}
