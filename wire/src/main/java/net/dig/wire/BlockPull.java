package net.dig.wire;

import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;

/**
 * DIG opcode 209 (RequestBlockTransactions): what a node asks of a peer in compact block relay.
 * Every body starts with {@code version u8 = 1, kind u8}:
 *
 * <pre>
 * kind  body                     fields after the kind byte
 * 1     SendCompact              high_bandwidth u8 (1 = push compact blocks to me unasked, 0 = announce them)
 * 2     GetCompactBlock          block_id bytes32
 * 3     GetBlockTransactions     block_id bytes32, count u32 (1..65535), count x index_delta u16
 * 4     GetFullBlock             block_id bytes32
 * </pre>
 *
 * Index deltas are BIP-152's differential encoding: the first is the index itself, each next one
 * {@code index - previous - 1}. Integers are big-endian as everywhere in the Chia envelope. Another
 * version, an unknown kind, a count the remaining bytes cannot hold, an index past 65534 or trailing
 * bytes are {@link WireException}s.
 */
public sealed interface BlockPull extends ProtocolMessage {
    int OPCODE = 209;

    @Override
    default int messageType() {
        return OPCODE;
    }

    /** BIP-152's {@code sendcmpct}: which mode the sender wants this peer to relay blocks to it in. */
    record SendCompact(boolean highBandwidth) implements BlockPull {
        @Override
        public void writeTo(StreamableWriter w) {
            w.u8(BlockRelayBodies.VERSION).u8(1).u8(highBandwidth ? 1 : 0);
        }
    }

    /** Low-bandwidth mode's answer to an announcement: "send me that block as a compact block". */
    record GetCompactBlock(Bytes32 blockId) implements BlockPull {
        public GetCompactBlock {
            WireChecks.notNull("blockId", blockId);
        }

        @Override
        public void writeTo(StreamableWriter w) {
            w.u8(BlockRelayBodies.VERSION).u8(2).bytes32(blockId);
        }
    }

    /** BIP-152's {@code getblocktxn}: the transactions at {@code indexes} (strictly increasing) of a block. */
    record GetBlockTransactions(Bytes32 blockId, List<Integer> indexes) implements BlockPull {
        public GetBlockTransactions {
            WireChecks.notNull("blockId", blockId);
            indexes = BlockRelayBodies.checkIndexes(indexes);
            if (indexes.isEmpty()) {
                throw new IllegalArgumentException("a GetBlockTransactions names at least one index");
            }
        }

        @Override
        public void writeTo(StreamableWriter w) {
            w.u8(BlockRelayBodies.VERSION).u8(3).bytes32(blockId).u32(indexes.size());
            int previous = -1;
            for (int index : indexes) {
                BlockRelayBodies.writeDelta(w, index, previous);
                previous = index;
            }
        }
    }

    /** The fallback: "send me the whole block". */
    record GetFullBlock(Bytes32 blockId) implements BlockPull {
        public GetFullBlock {
            WireChecks.notNull("blockId", blockId);
        }

        @Override
        public void writeTo(StreamableWriter w) {
            w.u8(BlockRelayBodies.VERSION).u8(4).bytes32(blockId);
        }
    }

    static BlockPull decode(StreamableReader r) {
        int at = r.position() + 1;
        int kind = BlockRelayBodies.readKind(r, "BlockPull");
        return switch (kind) {
            case 1 -> {
                int flagAt = r.position();
                int flag = r.u8();
                if (flag > 1) {
                    throw new WireException("BlockPull: high_bandwidth must be 0 or 1, got " + flag, flagAt);
                }
                yield new SendCompact(flag == 1);
            }
            case 2 -> new GetCompactBlock(r.bytes32());
            case 3 -> {
                Bytes32 id = r.bytes32();
                int n = BlockRelayBodies.readCount(r, "GetBlockTransactions", 1, RelayBlock.MAX_TRANSACTIONS, 2);
                List<Integer> indexes = new ArrayList<>(n);
                int previous = -1;
                for (int i = 0; i < n; i++) {
                    previous = BlockRelayBodies.readDelta(r, "GetBlockTransactions", previous);
                    indexes.add(previous);
                }
                yield new GetBlockTransactions(id, indexes);
            }
            case 4 -> new GetFullBlock(r.bytes32());
            default -> throw BlockRelayBodies.unknownKind("BlockPull", kind, at);
        };
    }

    /** Decodes a whole message body. */
    static BlockPull decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, BlockPull::decode);
    }
}
