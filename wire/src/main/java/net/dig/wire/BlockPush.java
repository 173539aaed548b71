package net.dig.wire;

import java.util.ArrayList;
import java.util.List;
import net.dig.core.Bytes32;

/**
 * DIG opcode 210 (RespondBlockTransactions): what a node sends a peer in compact block relay,
 * asked or (high-bandwidth mode, announcements) unasked. Every body starts with
 * {@code version u8 = 1, kind u8}:
 *
 * <pre>
 * kind  body               fields after the kind byte
 * 1     CompactBlock       header bytes (u32 length, <= 4096), transactions_root bytes32,
 *                          tx_count u32 (1..65535), prefilled_count u32 (0..tx_count),
 *                          prefilled_count x { index_delta u16, tx bytes (u32 length, 1..1 MiB) },
 *                          (tx_count - prefilled_count) x short_id (6 bytes, little-endian)
 * 2     Announce           block_id bytes32
 * 3     BlockTransactions  block_id bytes32, count u32 (1..65535), count x tx bytes
 * 4     FullBlock          header bytes, count u32 (1..65535), count x tx bytes
 * </pre>
 *
 * A compact block lists the short ids of the transactions not prefilled, in block order; prefilled
 * indexes use BIP-152's differential encoding (see {@link BlockPull}) and must fall below
 * {@code tx_count}. {@code block_id = SHA-256(header || transactions_root)} ({@link RelayBlock}).
 * Short ids are little-endian as in BIP-152; every other integer is big-endian.
 */
public sealed interface BlockPush extends ProtocolMessage {
    int OPCODE = 210;
    int SHORT_ID_BYTES = 6;
    long SHORT_ID_MASK = (1L << 48) - 1;

    @Override
    default int messageType() {
        return OPCODE;
    }

    /** A transaction sent in full inside a compact block, at its index in the block. */
    record Prefilled(int index, RelayTransaction transaction) {
        public Prefilled {
            WireChecks.notNull("transaction", transaction);
        }
    }

    /** BIP-152's {@code cmpctblock}. */
    record CompactBlock(byte[] header, Bytes32 transactionsRoot, int transactionCount, List<Prefilled> prefilled,
                        List<Long> shortIds) implements BlockPush {
        public CompactBlock {
            RelayBlock.checkHeader(header);
            header = header.clone();
            WireChecks.notNull("transactionsRoot", transactionsRoot);
            prefilled = List.copyOf(prefilled);
            shortIds = List.copyOf(shortIds);
            if (transactionCount < 1 || transactionCount > RelayBlock.MAX_TRANSACTIONS
                    || prefilled.size() + shortIds.size() != transactionCount) {
                throw new IllegalArgumentException("tx_count " + transactionCount + " must be 1.." + RelayBlock.MAX_TRANSACTIONS
                        + " and equal prefilled (" + prefilled.size() + ") + short ids (" + shortIds.size() + ")");
            }
            BlockRelayBodies.checkIndexes(prefilled.stream().map(Prefilled::index).toList());
            if (!prefilled.isEmpty() && prefilled.getLast().index() >= transactionCount) {
                throw new IllegalArgumentException("prefilled index " + prefilled.getLast().index() + " is past tx_count " + transactionCount);
            }
            for (long id : shortIds) {
                if ((id & ~SHORT_ID_MASK) != 0) {
                    throw new IllegalArgumentException("a short id has 48 bits, got " + Long.toHexString(id));
                }
            }
        }

        public Bytes32 blockId() {
            return RelayBlock.blockId(header, transactionsRoot);
        }

        @Override
        public byte[] header() {
            return header.clone();
        }

        @Override
        public void writeTo(StreamableWriter w) {
            w.u8(BlockRelayBodies.VERSION).u8(1).bytes(header).bytes32(transactionsRoot).u32(transactionCount).u32(prefilled.size());
            int previous = -1;
            for (Prefilled p : prefilled) {
                BlockRelayBodies.writeDelta(w, p.index(), previous);
                p.transaction().writeTo(w);
                previous = p.index();
            }
            byte[] six = new byte[SHORT_ID_BYTES];
            for (long id : shortIds) {
                for (int i = 0; i < SHORT_ID_BYTES; i++) {
                    six[i] = (byte) (id >>> (8 * i));
                }
                w.raw(six);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CompactBlock c && java.util.Arrays.equals(header, c.header) && transactionsRoot.equals(c.transactionsRoot)
                    && transactionCount == c.transactionCount && prefilled.equals(c.prefilled) && shortIds.equals(c.shortIds);
        }

        @Override
        public int hashCode() {
            return transactionsRoot.hashCode() * 31 + shortIds.hashCode();
        }
    }

    /** Low-bandwidth mode: "I have this block" (BIP-152 announces by inv or headers). */
    record Announce(Bytes32 blockId) implements BlockPush {
        public Announce {
            WireChecks.notNull("blockId", blockId);
        }

        @Override
        public void writeTo(StreamableWriter w) {
            w.u8(BlockRelayBodies.VERSION).u8(2).bytes32(blockId);
        }
    }

    /** BIP-152's {@code blocktxn}: the transactions asked for, in the order of the request's indexes. */
    record BlockTransactions(Bytes32 blockId, List<RelayTransaction> transactions) implements BlockPush {
        public BlockTransactions {
            WireChecks.notNull("blockId", blockId);
            transactions = List.copyOf(transactions);
            if (transactions.isEmpty() || transactions.size() > RelayBlock.MAX_TRANSACTIONS) {
                throw new IllegalArgumentException("BlockTransactions holds 1.." + RelayBlock.MAX_TRANSACTIONS + " transactions");
            }
        }

        @Override
        public void writeTo(StreamableWriter w) {
            w.u8(BlockRelayBodies.VERSION).u8(3).bytes32(blockId);
            BlockRelayBodies.writeTransactions(w, transactions);
        }
    }

    /** The whole block: the fallback when too much is missing or a reconstruction does not match its id. */
    record FullBlock(RelayBlock block) implements BlockPush {
        public FullBlock {
            WireChecks.notNull("block", block);
        }

        @Override
        public void writeTo(StreamableWriter w) {
            w.u8(BlockRelayBodies.VERSION).u8(4).bytes(block.header());
            BlockRelayBodies.writeTransactions(w, block.transactions());
        }
    }

    static BlockPush decode(StreamableReader r) {
        int at = r.position() + 1;
        int kind = BlockRelayBodies.readKind(r, "BlockPush");
        try {
            return decodeKind(r, kind, at);
        } catch (IllegalArgumentException e) {
            throw new WireException("BlockPush: " + e.getMessage(), at);
        }
    }

    private static BlockPush decodeKind(StreamableReader r, int kind, int at) {
        return switch (kind) {
            case 1 -> readCompactBlock(r);
            case 2 -> new Announce(r.bytes32());
            case 3 -> new BlockTransactions(r.bytes32(), BlockRelayBodies.readTransactions(r, "BlockTransactions", 1));
            case 4 -> {
                byte[] header = r.bytes(RelayBlock.MAX_HEADER_BYTES);
                yield new FullBlock(new RelayBlock(header, BlockRelayBodies.readTransactions(r, "FullBlock", 1)));
            }
            default -> throw BlockRelayBodies.unknownKind("BlockPush", kind, at);
        };
    }

    private static CompactBlock readCompactBlock(StreamableReader r) {
        byte[] header = r.bytes(RelayBlock.MAX_HEADER_BYTES);
        Bytes32 root = r.bytes32();
        int txCount = BlockRelayBodies.readCount(r, "CompactBlock", 1, RelayBlock.MAX_TRANSACTIONS, 0);
        int prefilledAt = r.position();
        int prefilledCount = BlockRelayBodies.readCount(r, "CompactBlock", 0, txCount, 7);
        List<Prefilled> prefilled = new ArrayList<>(prefilledCount);
        int previous = -1;
        for (int i = 0; i < prefilledCount; i++) {
            previous = BlockRelayBodies.readDelta(r, "CompactBlock", previous);
            if (previous >= txCount) {
                throw new WireException("CompactBlock: prefilled index " + previous + " is past tx_count " + txCount, prefilledAt);
            }
            prefilled.add(new Prefilled(previous, RelayTransaction.read(r, "CompactBlock")));
        }
        int shortCount = txCount - prefilledCount;
        if (shortCount > r.remaining() / SHORT_ID_BYTES) {
            throw new WireException("CompactBlock: " + shortCount + " short ids need " + shortCount * SHORT_ID_BYTES
                    + " bytes but " + r.remaining() + " remain", r.position());
        }
        List<Long> shortIds = new ArrayList<>(shortCount);
        for (int i = 0; i < shortCount; i++) {
            shortIds.add(BlockRelayBodies.littleEndian(r.fixed(SHORT_ID_BYTES, "short id")));
        }
        return new CompactBlock(header, root, txCount, prefilled, shortIds);
    }

    /** Decodes a whole message body. */
    static BlockPush decode(byte[] data) {
        return Streamable.decodeFully(data, WireLimits.DEFAULT, BlockPush::decode);
    }
}
