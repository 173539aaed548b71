package net.dig.gossip;

import java.util.stream.IntStream;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.DigMessageType;
import net.dig.wire.Message;

/**
 * The one table of which message types travel by Plumtree, used by the transport to route inbound frames,
 * by {@link PlumtreeDriver#routes} and by {@link RateLimitTable} to size rate-limit rows.
 *
 * <pre>
 *  type                                         routed   rate-limit row
 *  Chia 20 new_peak, 21 new_transaction,
 *       32 new_unfinished_block,
 *       35 new_signage_point_or_end_of_sub_slot,
 *       42 new_compact_vdf,
 *       92 new_unfinished_block2                payload  Chia's own
 *  DIG 200-202, 207, 208 (consensus gossip)     payload  max(own, PlumtreeRateBudget)
 *  DIG 221-223, 226 (storage floods)            payload  own (dig-gossip's)
 *  DIG 214-217 (Plumtree control)               control  PlumtreeRateBudget
 *  DIG 240 (signed node messages)               never    own: one hop, validated on the direct path
 *  anything else, and any frame with a request id: not routed (requests, replies, peer exchange)
 * </pre>
 *
 * Immutable and stateless.
 */
public final class PlumtreeRoutes {
    private static final boolean[] PAYLOAD = new boolean[256];
    private static final boolean[] BUDGETED = new boolean[256];

    static {
        for (ChiaMessageType t : new ChiaMessageType[] {ChiaMessageType.NEW_PEAK, ChiaMessageType.NEW_TRANSACTION,
                ChiaMessageType.NEW_UNFINISHED_BLOCK, ChiaMessageType.NEW_UNFINISHED_BLOCK2,
                ChiaMessageType.NEW_SIGNAGE_POINT_OR_END_OF_SUB_SLOT, ChiaMessageType.NEW_COMPACT_VDF}) {
            PAYLOAD[t.code()] = true;
        }
        for (DigMessageType t : new DigMessageType[] {DigMessageType.NEW_ATTESTATION, DigMessageType.NEW_CHECKPOINT_PROPOSAL,
                DigMessageType.NEW_CHECKPOINT_SIGNATURE, DigMessageType.NEW_CHECKPOINT_SUBMISSION,
                DigMessageType.VALIDATOR_ANNOUNCE}) {
            PAYLOAD[t.code()] = true;
            BUDGETED[t.code()] = true;
        }
        for (DigMessageType t : new DigMessageType[] {DigMessageType.STORE_MELTED, DigMessageType.HOLDINGS_ANNOUNCE,
                DigMessageType.PROFILE_ROOT_ANNOUNCE, DigMessageType.DISTRIBUTOR_ANNOUNCE}) {
            PAYLOAD[t.code()] = true;
        }
    }

    private PlumtreeRoutes() {}

    /** True for a type Plumtree carries as a payload (when it has no request id). */
    public static boolean isPayload(int type) {
        return type >= 0 && type <= 0xFF && PAYLOAD[type];
    }

    /** True for an inbound frame the router handles: control 214-217 or a payload type, without request id. */
    public static boolean routes(Message message) {
        return message.id().isEmpty() && (PlumtreeRouter.isControl(message.type()) || isPayload(message.type()));
    }

    /** The payload types whose inbound rate-limit rows are sized by {@link PlumtreeRateBudget}. */
    public static IntStream budgetedPayloadTypes() {
        return IntStream.range(0, 256).filter(t -> BUDGETED[t]);
    }
}
