package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;

/** Golden vectors, round trips and hostile inputs for the compact block relay bodies (209/210) and the stem body (213). */
class BlockRelayBodiesTest {
    private static final Map<String, byte[]> V = Vectors.load("block_relay.txt");
    private static final Bytes32 AA = Bytes32.fromHex("aa".repeat(32));
    private static final Bytes32 BB = Bytes32.fromHex("bb".repeat(32));
    private static final Bytes32 CC = Bytes32.fromHex("cc".repeat(32));

    private static RelayTransaction tx(String hex) {
        return new RelayTransaction(HexFormat.of().parseHex(hex));
    }

    @Test
    void pullBodiesEncodeToTheGoldenBytesAndBack() {
        Map<String, BlockPull> cases = Map.of(
                "send_compact_high", new BlockPull.SendCompact(true),
                "send_compact_low", new BlockPull.SendCompact(false),
                "get_compact_block", new BlockPull.GetCompactBlock(AA),
                "get_block_transactions", new BlockPull.GetBlockTransactions(AA, List.of(0, 3, 4)),
                "get_full_block", new BlockPull.GetFullBlock(BB));
        cases.forEach((name, body) -> {
            assertThat(body.encode()).as(name).isEqualTo(V.get(name));
            assertThat(BlockPull.decode(V.get(name))).as(name).isEqualTo(body);
            assertThat(body.messageType()).isEqualTo(DigMessageType.REQUEST_BLOCK_TRANSACTIONS.code());
        });
    }

    @Test
    void pushBodiesEncodeToTheGoldenBytesAndBack() {
        BlockPush.CompactBlock compact = new BlockPush.CompactBlock("hdr".getBytes(), CC, 3,
                List.of(new BlockPush.Prefilled(0, tx("010203"))), List.of(0x010203040506L, 0xa1a2a3a4a5a6L));
        RelayBlock block = new RelayBlock("h".getBytes(), List.of(tx("01"), tx("0506")));
        Map<String, BlockPush> cases = Map.of(
                "compact_block", compact,
                "announce", new BlockPush.Announce(AA),
                "block_transactions", new BlockPush.BlockTransactions(AA, List.of(tx("04"))),
                "full_block", new BlockPush.FullBlock(block));
        cases.forEach((name, body) -> {
            assertThat(body.encode()).as(name).isEqualTo(V.get(name));
            assertThat(BlockPush.decode(V.get(name))).as(name).isEqualTo(body);
            assertThat(body.messageType()).isEqualTo(DigMessageType.RESPOND_BLOCK_TRANSACTIONS.code());
        });
        assertThat(compact.blockId()).isEqualTo(RelayBlock.blockId("hdr".getBytes(), CC));
    }

    @Test
    void aBlockIsNamedByItsHeaderAndTransactionsRoot() {
        RelayBlock block = new RelayBlock("h".getBytes(), List.of(tx("01"), tx("0506")));
        Bytes32 root = net.dig.core.Sha256.hash(tx("01").id().toArray(), tx("0506").id().toArray());
        assertThat(block.transactionsRoot()).isEqualTo(root);
        assertThat(block.id()).isEqualTo(net.dig.core.Sha256.hash("h".getBytes(), root.toArray()));
        assertThat(tx("01").id()).isEqualTo(net.dig.core.Sha256.hash(new byte[] {1}));
    }

    @Test
    void stemTransactionEncodesToTheGoldenBytesAndFrame() {
        StemTransaction stem = new StemTransaction(tx("010203"));
        assertThat(stem.encode()).isEqualTo(V.get("stem_transaction"));
        assertThat(StemTransaction.decode(V.get("stem_transaction"))).isEqualTo(stem);
        assertThat(stem.toMessage().encode()).isEqualTo(V.get("frame_stem_transaction"));
        assertThat(stem.messageType()).isEqualTo(DigMessageType.STEM_TRANSACTION.code());
    }

    @Test
    void hostileBodiesAreWireExceptionsNotAllocations() {
        byte[] compact = V.get("compact_block");
        assertThatThrownBy(() -> BlockPush.decode(withByte(compact, 0, 2))).isInstanceOf(WireException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> BlockPush.decode(withByte(compact, 1, 9))).isInstanceOf(WireException.class).hasMessageContaining("kind");
        assertThatThrownBy(() -> BlockPush.decode(Arrays.copyOf(compact, compact.length - 1))).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> BlockPush.decode(Arrays.copyOf(compact, compact.length + 1))).isInstanceOf(WireException.class);
        byte[] hugeCount = HexFormat.of().parseHex("0103" + "aa".repeat(32) + "0000ffff" + "00000001" + "04");
        assertThatThrownBy(() -> BlockPush.decode(hugeCount)).isInstanceOf(WireException.class).hasMessageContaining("needs at least");
        byte[] tooMany = HexFormat.of().parseHex("0103" + "aa".repeat(32) + "00010000");
        assertThatThrownBy(() -> BlockPush.decode(tooMany)).isInstanceOf(WireException.class).hasMessageContaining("outside");
        byte[] prefilledPastCount = HexFormat.of().parseHex("010100000000" + "cc".repeat(32) + "00000001" + "00000001" + "0005" + "0000000101");
        assertThatThrownBy(() -> BlockPush.decode(prefilledPastCount)).isInstanceOf(WireException.class).hasMessageContaining("past tx_count");
        byte[] shortIdsMissing = HexFormat.of().parseHex("010100000000" + "cc".repeat(32) + "0000ffff" + "00000000" + "010203");
        assertThatThrownBy(() -> BlockPush.decode(shortIdsMissing)).isInstanceOf(WireException.class).hasMessageContaining("short ids need");
        byte[] badFlag = HexFormat.of().parseHex("010102");
        assertThatThrownBy(() -> BlockPull.decode(badFlag)).isInstanceOf(WireException.class).hasMessageContaining("0 or 1");
        byte[] indexOverflow = HexFormat.of().parseHex("0103" + "aa".repeat(32) + "00000002" + "fffe" + "0000");
        assertThatThrownBy(() -> BlockPull.decode(indexOverflow)).isInstanceOf(WireException.class).hasMessageContaining("past the largest");
        assertThatThrownBy(() -> StemTransaction.decode(HexFormat.of().parseHex("0100000000"))).isInstanceOf(WireException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> StemTransaction.decode(HexFormat.of().parseHex("0101ffffff"))).isInstanceOf(WireException.class);
    }

    @Test
    void constructorsRefuseInconsistentBodies() {
        assertThatThrownBy(() -> new BlockPull.GetBlockTransactions(AA, List.of(3, 3))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlockPull.GetBlockTransactions(AA, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlockPush.CompactBlock(new byte[0], CC, 2, List.of(), List.of(1L)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlockPush.CompactBlock(new byte[0], CC, 1, List.of(), List.of(1L << 48)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RelayTransaction(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        RelayTransaction mib = new RelayTransaction(new byte[RelayTransaction.MAX_BYTES]);
        RelayTransaction other = new RelayTransaction(new byte[RelayTransaction.MAX_BYTES - 1]);
        assertThatThrownBy(() -> new RelayBlock(new byte[0], List.of(mib, other))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FullBlock body");
        byte[] oversized = new BlockPush.FullBlock(new RelayBlock(new byte[0], List.of(mib))).encode();
        byte[] twice = new byte[oversized.length + 4 + (RelayTransaction.MAX_BYTES - 1)];
        System.arraycopy(oversized, 0, twice, 0, oversized.length);
        twice[9] = 2;
        twice[oversized.length + 1] = 0x0f;
        twice[oversized.length + 2] = (byte) 0xff;
        twice[oversized.length + 3] = (byte) 0xff;
        assertThatThrownBy(() -> BlockPush.decode(twice)).isInstanceOf(WireException.class).hasMessageContaining("FullBlock body");
    }

    private static byte[] withByte(byte[] b, int at, int value) {
        byte[] c = b.clone();
        c[at] = (byte) value;
        return c;
    }
}
