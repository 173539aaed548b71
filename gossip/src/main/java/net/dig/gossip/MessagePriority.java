package net.dig.gossip;

import net.dig.wire.ChiaMessageType;
import net.dig.wire.DigMessageType;

/**
 * The three outbound lanes of a connection (dig-gossip seed, "priority lanes"): critical messages go
 * first and are never dropped, normal ones next and are delayed under load, bulk last and are dropped
 * first. The classification is the seed's table, completed from dig-gossip's {@code priority.rs}:
 * <ul>
 *   <li>CRITICAL: NewPeak, RespondBlock, RespondUnfinishedBlock; DIG NewAttestation,
 *       NewCheckpointProposal, NewCheckpointSignature; and this node's Plumtree control (214-217), which
 *       is a few dozen bytes and gates the recovery of every other gossiped message.</li>
 *   <li>BULK: RequestBlocks/RespondBlocks/RejectBlocks, RequestPeers/RespondPeers, mempool sync
 *       (RequestMempoolTransactions), the introducer exchange (Chia 63/64, DIG 218/219),
 *       ValidatorAnnounce, the storage floods 221-226 (up to 1 MiB bodies) and the node messages 240
 *       (capsule windows of up to 1 MiB; docs/decisions.md D31a).</li>
 *   <li>NORMAL: everything else, including transactions, unfinished blocks, block/transaction requests,
 *       DIG status and checkpoint signature exchanges, and unknown opcodes.</li>
 * </ul>
 */
public enum MessagePriority {
    CRITICAL,
    NORMAL,
    BULK;

    /** The lane of a Chia opcode (1..199, 255); unknown codes are NORMAL. */
    public static MessagePriority fromChiaType(int type) {
        return switch (ChiaMessageType.of(type).orElse(null)) {
            case NEW_PEAK, RESPOND_BLOCK, RESPOND_UNFINISHED_BLOCK -> CRITICAL;
            case REQUEST_BLOCKS, RESPOND_BLOCKS, REJECT_BLOCKS, REQUEST_PEERS, RESPOND_PEERS,
                 REQUEST_MEMPOOL_TRANSACTIONS, REQUEST_PEERS_INTRODUCER, RESPOND_PEERS_INTRODUCER -> BULK;
            case null, default -> NORMAL;
        };
    }

    /** The lane of a DIG opcode (200..226, 240); unknown codes are NORMAL. */
    public static MessagePriority fromDigType(int type) {
        return switch (DigMessageType.of(type).orElse(null)) {
            case NEW_ATTESTATION, NEW_CHECKPOINT_PROPOSAL, NEW_CHECKPOINT_SIGNATURE,
                 PLUMTREE_LAZY_ANNOUNCE, PLUMTREE_PRUNE, PLUMTREE_GRAFT, PLUMTREE_REQUEST_BY_HASH -> CRITICAL;
            case VALIDATOR_ANNOUNCE, REGISTER_PEER, REGISTER_ACK, STORE_MELTED, HOLDINGS_ANNOUNCE,
                 PROFILE_ROOT_ANNOUNCE, PROFILE_BODY_REQUEST, PROFILE_BODY, DISTRIBUTOR_ANNOUNCE, DIG_NODE_MESSAGE -> BULK;
            case null, default -> NORMAL;
        };
    }

    /** The lane of any raw envelope type: the DIG band ({@link DigMessageType#isDigBand}) or Chia's. */
    public static MessagePriority of(int rawType) {
        return DigMessageType.isDigBand(rawType) ? fromDigType(rawType) : fromChiaType(rawType);
    }
}
