package net.dig.gossip;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import net.dig.wire.ChiaMessageType;
import net.dig.wire.DigMessageType;
import net.dig.wire.NodeType;

/**
 * Who may send what, and which reply answers which request (docs/formats/wire.md; Chia
 * {@code protocol_message_type_to_node_type.py} and {@code protocol_state_machine.py}).
 *
 * <p>Sender rules are enforced for the peer-exchange messages, where Chia is explicit: request_peers
 * from WALLET or FULL_NODE; respond_peers from FULL_NODE; request_peers_introducer from WALLET,
 * FARMER or FULL_NODE; respond_peers_introducer from INTRODUCER. Two DIG relaxations: DIG dialers
 * identify as WALLET and answer the keepalive RequestPeers, so respond_peers is also accepted from
 * WALLET; DIG introducers answer as FULL_NODE, so respond_peers_introducer is also accepted from
 * FULL_NODE. RegisterPeer (218) may come from any node type; RegisterAck (219) only from an
 * introducer or a full node. Other types are not restricted here (DIG peers relay Chia gossip while
 * identifying as WALLET). A violation closes the connection with
 * {@link CloseReason#INVALID_PROTOCOL_MESSAGE}.
 *
 * <p>A node message (240) with a request id (capsule request, validation challenge) is answered by a node
 * message with that id (capsule response, proof); without an id it is one hop (announcement, gossip) and
 * never routed by Plumtree (docs/decisions.md D31a).
 *
 * <p>A reply whose type is not expected for the request it answers is a protocol error (Chia bans
 * 10 s). Stateless; thread-safe.
 */
public final class MessageRules {
    private static final Map<Integer, Set<NodeType>> SENDERS = Map.of(
            ChiaMessageType.REQUEST_PEERS.code(), EnumSet.of(NodeType.WALLET, NodeType.FULL_NODE),
            ChiaMessageType.RESPOND_PEERS.code(), EnumSet.of(NodeType.FULL_NODE, NodeType.WALLET),
            ChiaMessageType.REQUEST_PEERS_INTRODUCER.code(), EnumSet.of(NodeType.WALLET, NodeType.FARMER, NodeType.FULL_NODE),
            ChiaMessageType.RESPOND_PEERS_INTRODUCER.code(), EnumSet.of(NodeType.INTRODUCER, NodeType.FULL_NODE),
            DigMessageType.REGISTER_ACK.code(), EnumSet.of(NodeType.INTRODUCER, NodeType.FULL_NODE));

    private static final Map<Integer, Set<Integer>> REPLIES = Map.of(
            ChiaMessageType.REQUEST_PEERS.code(), Set.of(ChiaMessageType.RESPOND_PEERS.code()),
            ChiaMessageType.REQUEST_PEERS_INTRODUCER.code(), Set.of(ChiaMessageType.RESPOND_PEERS_INTRODUCER.code()),
            ChiaMessageType.REQUEST_TRANSACTION.code(), Set.of(ChiaMessageType.RESPOND_TRANSACTION.code()),
            ChiaMessageType.REQUEST_BLOCK.code(), Set.of(ChiaMessageType.RESPOND_BLOCK.code(), ChiaMessageType.REJECT_BLOCK.code()),
            ChiaMessageType.REQUEST_BLOCKS.code(), Set.of(ChiaMessageType.RESPOND_BLOCKS.code(), ChiaMessageType.REJECT_BLOCKS.code()),
            ChiaMessageType.REQUEST_UNFINISHED_BLOCK.code(), Set.of(ChiaMessageType.RESPOND_UNFINISHED_BLOCK.code()),
            ChiaMessageType.REQUEST_UNFINISHED_BLOCK2.code(), Set.of(ChiaMessageType.RESPOND_UNFINISHED_BLOCK.code()),
            DigMessageType.REGISTER_PEER.code(), Set.of(DigMessageType.REGISTER_ACK.code()),
            DigMessageType.DIG_NODE_MESSAGE.code(), Set.of(DigMessageType.DIG_NODE_MESSAGE.code()));

    private MessageRules() {}

    /** Whether a peer of {@code sender} type may send a message of {@code type}. */
    public static boolean senderAllowed(int type, NodeType sender) {
        Set<NodeType> allowed = SENDERS.get(type);
        return allowed == null || allowed.contains(sender);
    }

    /**
     * Whether {@code replyType} is an acceptable answer to a request of {@code requestType}. Chia's
     * {@code error} (255) answers anything; requests not in the table accept any reply (the
     * application decides).
     */
    public static boolean isValidReply(int requestType, int replyType) {
        if (replyType == ChiaMessageType.ERROR.code()) {
            return true;
        }
        Set<Integer> ok = REPLIES.get(requestType);
        return ok == null || ok.contains(replyType);
    }
}
