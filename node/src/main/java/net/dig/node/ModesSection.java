package net.dig.node;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.dig.core.Clock;
import net.dig.service.ArchivePolicy;
import net.dig.service.ContentScorer;
import net.dig.service.ContentValueModel;
import net.dig.service.HoldingPolicy;
import net.dig.service.SelectivePolicy;

/**
 * The operating modes' keys under {@code node:} ({@code node.archive.*}, {@code node.selective.*};
 * {@code node.mode} chooses one) and the {@link HoldingPolicy} they make (docs/config.md, docs/decisions.md
 * D62a). Cache mode's keys are its own; until it has a policy, cache mode takes nothing offered.
 */
final class ModesSection {
    private ModesSection() {}

    /**
     * {@code node.archive:} - keep everything announced ({@code accept_all}), tiers in {@code tier_filter}
     * (empty = all). The tiers bind as written (YAML integers, or the strings of {@code --set} and the
     * environment, whose empty default gives no element type) and are read as integers 1..6.
     */
    record ArchiveSection(boolean acceptAll, List<Object> tierFilter) {
        ArchiveSection {
            NodeConfig.require(tierFilter, "tier_filter");
            tierFilter = List.copyOf(tierFilter.stream().map(ArchiveSection::tier).toList());
        }

        private static Object tier(Object t) {
            int tier;
            try {
                tier = t instanceof Integer i ? i : Integer.parseInt(String.valueOf(t).strip());
            } catch (NumberFormatException e) {
                throw new ConfigException("tier_filter", "tiers are integers 1..6, got " + t);
            }
            if (tier < 1 || tier > 6) {
                throw new ConfigException("tier_filter", "tiers are 1..6, got " + t);
            }
            return tier;
        }

        Set<Integer> tiers() {
            return Set.copyOf(tierFilter.stream().map(Integer.class::cast).toList());
        }
    }

    /**
     * {@code node.selective:} - glob lists over names, handles and hex ids, the largest datastore kept
     * ({@code max_size_gb}, GB of 10^9 bytes, {@code 0} = no limit), the scorer ({@code ai_filter}, null or
     * {@code content_value_model_v2}) and its {@code score_threshold} in [0, 1].
     */
    record SelectiveSection(List<String> whitelist, List<String> blacklist, double maxSizeGb, String aiFilter,
                            double scoreThreshold) {
        SelectiveSection {
            whitelist = patterns("whitelist", whitelist);
            blacklist = patterns("blacklist", blacklist);
            if (!(maxSizeGb >= 0) || Double.isInfinite(maxSizeGb)) {
                throw new ConfigException("max_size_gb", "must be a number >= 0 (0 = no limit), got " + maxSizeGb);
            }
            if (aiFilter != null && ContentScorer.named(aiFilter).isEmpty()) {
                throw new ConfigException("ai_filter", "must be null or \"" + ContentValueModel.NAME + "\", got \"" + aiFilter + "\"");
            }
            if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
                throw new ConfigException("score_threshold", "must be in [0, 1], got " + scoreThreshold);
            }
        }

        private static List<String> patterns(String key, List<String> list) {
            NodeConfig.require(list, key);
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == null || list.get(i).isBlank()) {
                    throw new ConfigException(key + "[" + i + "]", "must be a name, handle or hex id glob, got an empty value");
                }
            }
            return List.copyOf(list);
        }

        long maxSizeBytes() {
            return (long) Math.min(Long.MAX_VALUE, maxSizeGb * 1e9);
        }
    }

    /** The policy of the node's configured mode. */
    static HoldingPolicy policy(NodeConfig.NodeSection node, Clock clock) {
        return switch (node.mode()) {
            case ARCHIVE -> new ArchivePolicy(node.archive().acceptAll(), node.archive().tiers());
            case SELECTIVE -> {
                SelectiveSection s = node.selective();
                Optional<ContentScorer> scorer = Optional.ofNullable(s.aiFilter()).flatMap(ContentScorer::named);
                yield new SelectivePolicy(s.whitelist(), s.blacklist(), s.maxSizeBytes(), scorer, s.scoreThreshold(), clock);
            }
            case CACHE -> HoldingPolicy.declining(NodeConfig.Mode.CACHE.label());
        };
    }
}
