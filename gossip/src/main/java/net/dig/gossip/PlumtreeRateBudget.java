package net.dig.gossip;

import java.util.Collections;
import net.dig.core.Bytes32;
import net.dig.wire.Graft;
import net.dig.wire.LazyAnnounce;
import net.dig.wire.Prune;
import net.dig.wire.RequestByHash;

/**
 * The per-link message rates an honest {@link PlumtreeRouter} can produce, derived from its own
 * {@link PlumtreeConfig}, and the rate-limit rows that admit them (docs/decisions.md D4, "Rate limits").
 *
 * <h2>Why</h2>
 * Without rows of their own, 214-217 fell to the 100-per-minute default while IHAVE batching alone
 * sends one LazyAnnounce per dispatch interval (1,200 per minute at 50 ms), and the consensus gossip
 * payloads had dig-gossip's flood-era 10-100 per minute: an honest relay was banned under normal load.
 *
 * <h2>The derivation (per link, per 60 s window)</h2>
 * The table is sized for a network-wide broadcast rate of {@code G} = one new message per dispatch
 * interval ({@code WINDOW / dispatchIntervalMillis}; 1,200 per minute at the default 50 ms). Then:
 * <ul>
 *   <li>payloads of one type: each message is pushed to a link at most once eagerly and served at most
 *       once more on RequestByHash (requests are deduplicated per peer): {@code 2G};</li>
 *   <li>LazyAnnounce (214): one flush per dispatch interval, each under {@link LazyAnnounce#MAX_ENTRIES}
 *       entries at this rate, plus one for a window boundary that splits an interval: {@code G + 1};</li>
 *   <li>PRUNE (215): one per payload received on that link (a duplicate, or the tree optimisation):
 *       {@code 2G};</li>
 *   <li>GRAFT (216): one per payload received (re-graft, optimisation) plus one per id requested: {@code 3G};</li>
 *   <li>RequestByHash (217): at most one per id the peer announced: {@code G}.</li>
 * </ul>
 * A sender checks its own traffic against the table at {@link RateLimiter#DEFAULT_OUTBOUND_PERCENT} of
 * each row (Chia's outbound rule) and delays what exceeds it, so each row is the rate above divided by
 * that fraction: the router's maximum never waits on its own limiter and never trips the receiver's.
 * Byte budgets stay {@code frequency x maxSize}.
 */
public final class PlumtreeRateBudget {
    private final long broadcastsPerWindow;

    public PlumtreeRateBudget(PlumtreeConfig config) {
        long interval = Math.max(1, config.dispatchIntervalMillis());
        this.broadcastsPerWindow = Math.ceilDiv(RateLimiter.WINDOW_MILLIS, interval);
    }

    /** {@code G}: new messages per window, network-wide, the limits are sized for. */
    public long broadcastsPerWindow() {
        return broadcastsPerWindow;
    }

    /** Most frames of {@code type} an honest router sends one peer in one window. */
    public long maxFramesPerWindow(int type) {
        long g = broadcastsPerWindow;
        return switch (type) {
            case LazyAnnounce.OPCODE -> g + 1;
            case Prune.OPCODE -> 2 * g;
            case Graft.OPCODE -> 3 * g;
            case RequestByHash.OPCODE -> g;
            default -> 2 * g;
        };
    }

    /** The largest body of a control opcode (a full LazyAnnounce / RequestByHash), or -1 for payloads. */
    public static int maxControlBodySize(int type) {
        return switch (type) {
            case LazyAnnounce.OPCODE -> new LazyAnnounce(Collections.nCopies(LazyAnnounce.MAX_ENTRIES,
                    new LazyAnnounce.Announcement(Bytes32.ZERO, 200))).toMessage().data().length;
            case Prune.OPCODE -> new Prune().toMessage().data().length;
            case Graft.OPCODE -> new Graft().toMessage().data().length;
            case RequestByHash.OPCODE -> new RequestByHash(Collections.nCopies(
                    RequestByHash.MAX_IDS, Bytes32.ZERO)).toMessage().data().length;
            default -> -1;
        };
    }

    /** The table frequency for {@code type}: {@link #maxFramesPerWindow} at the outbound fraction. */
    public int frequency(int type) {
        return Math.toIntExact(Math.ceilDiv(maxFramesPerWindow(type) * 100, RateLimiter.DEFAULT_OUTBOUND_PERCENT));
    }
}
