package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.dig.core.Bytes32;
import net.dig.wire.LazyAnnounce.Announcement;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;

/** Golden vectors, round trips and hostile inputs for the Plumtree control bodies (DIG 214-217). */
class PlumtreeBodiesTest {
    private static final Map<String, byte[]> V = Vectors.load("plumtree.txt");
    private static final Bytes32 SEQ = Bytes32.fromHex(HexFormat.of().formatHex(range32()));
    private static final Bytes32 AA = Bytes32.fromHex("aa".repeat(32));
    private static final Bytes32 BB = Bytes32.fromHex("bb".repeat(32));

    private static byte[] range32() {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void constructedValuesEncodeToTheGoldenBytesAndBack() {
        assertThat(new Prune().encode()).isEqualTo(V.get("prune_v1"));
        assertThat(new Graft().encode()).isEqualTo(V.get("graft_v1"));
        LazyAnnounce one = new LazyAnnounce(List.of(new Announcement(SEQ, 20)));
        LazyAnnounce two = new LazyAnnounce(List.of(new Announcement(AA, 200), new Announcement(BB, 27)));
        RequestByHash rOne = new RequestByHash(List.of(SEQ));
        RequestByHash rTwo = new RequestByHash(List.of(AA, BB));
        assertThat(one.encode()).isEqualTo(V.get("lazy_announce_one"));
        assertThat(two.encode()).isEqualTo(V.get("lazy_announce_two"));
        assertThat(rOne.encode()).isEqualTo(V.get("request_by_hash_one"));
        assertThat(rTwo.encode()).isEqualTo(V.get("request_by_hash_two"));
        assertThat(LazyAnnounce.decode(V.get("lazy_announce_one"))).isEqualTo(one);
        assertThat(LazyAnnounce.decode(V.get("lazy_announce_two"))).isEqualTo(two);
        assertThat(RequestByHash.decode(V.get("request_by_hash_two"))).isEqualTo(rTwo);
        assertThat(Prune.decode(V.get("prune_v1"))).isEqualTo(new Prune());
        assertThat(Graft.decode(V.get("graft_v1"))).isEqualTo(new Graft());
        assertThat(one.toMessage().encode()).isEqualTo(V.get("frame_lazy_announce_one"));
        assertThat(new Prune().toMessage().encode()).isEqualTo(V.get("frame_prune"));
        Message frame = Message.decode(V.get("frame_lazy_announce_one"), WireLimits.DEFAULT);
        assertThat(frame.type()).isEqualTo(DigMessageType.PLUMTREE_LAZY_ANNOUNCE.code());
        assertThat(LazyAnnounce.decode(frame.data())).isEqualTo(one);
    }

    @Test
    void opcodesMatchTheDigRegistry() {
        assertThat(LazyAnnounce.OPCODE).isEqualTo(DigMessageType.PLUMTREE_LAZY_ANNOUNCE.code());
        assertThat(Prune.OPCODE).isEqualTo(DigMessageType.PLUMTREE_PRUNE.code());
        assertThat(Graft.OPCODE).isEqualTo(DigMessageType.PLUMTREE_GRAFT.code());
        assertThat(RequestByHash.OPCODE).isEqualTo(DigMessageType.PLUMTREE_REQUEST_BY_HASH.code());
    }

    @Test
    void hugeCountsAreRefusedBeforeAnythingIsAllocated() {
        byte[] lazyClaimsFourBillion = HexFormat.of().parseHex("01ffffffff" + "00".repeat(33));
        assertThatThrownBy(() -> LazyAnnounce.decode(lazyClaimsFourBillion))
                .isInstanceOf(WireException.class).hasMessageContaining("count 4294967295 is outside 1..1024");
        byte[] lazyOverCap = HexFormat.of().parseHex("01" + "00000401");
        assertThatThrownBy(() -> LazyAnnounce.decode(lazyOverCap)).hasMessageContaining("count 1025 is outside 1..1024");
        byte[] lazyShort = HexFormat.of().parseHex("01" + "00000003" + "00".repeat(33 * 2));
        assertThatThrownBy(() -> LazyAnnounce.decode(lazyShort)).hasMessageContaining("count 3 needs 99 bytes but 66 remain");
        byte[] requestOverCap = HexFormat.of().parseHex("01" + "00000101");
        assertThatThrownBy(() -> RequestByHash.decode(requestOverCap)).hasMessageContaining("count 257 is outside 1..256");
        byte[] empty = HexFormat.of().parseHex("0100000000");
        assertThatThrownBy(() -> RequestByHash.decode(empty)).hasMessageContaining("count 0 is outside");
    }

    @Test
    void otherVersionsTruncationAndTrailingBytesAreErrorsWithOffsets() {
        assertThatThrownBy(() -> Prune.decode(new byte[] {2})).isInstanceOf(WireException.class)
                .hasMessageContaining("Prune: unsupported version 2");
        assertThatThrownBy(() -> Graft.decode(new byte[] {1, 0})).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> Graft.decode(new byte[0])).hasMessageContaining("truncated");
        byte[] cut = V.get("lazy_announce_one").clone();
        assertThatThrownBy(() -> LazyAnnounce.decode(java.util.Arrays.copyOf(cut, cut.length - 1)))
                .hasMessageContaining("needs 33 bytes but 32 remain");
        assertThatThrownBy(() -> new LazyAnnounce(List.of())).hasMessageContaining("1..1024");
        assertThatThrownBy(() -> new Announcement(AA, 256)).hasMessageContaining("u8");
    }

    @Test
    void lazyAnnounceRoundTrips() {
        PropertyRunner.tries(200).check(g -> {
            List<Announcement> entries = announcements(g);
            LazyAnnounce value = new LazyAnnounce(entries);
            byte[] bytes = value.encode();
            assertThat(bytes).hasSize(5 + 33 * entries.size());
            assertThat(LazyAnnounce.decode(bytes)).isEqualTo(value);
            Message m = Message.decode(value.toMessage().encode(), WireLimits.DEFAULT);
            assertThat(LazyAnnounce.decode(m.data())).isEqualTo(value);
        });
    }

    @Test
    void requestByHashRoundTrips() {
        PropertyRunner.tries(200).check(g -> {
            RequestByHash value = new RequestByHash(ids(g));
            assertThat(RequestByHash.decode(value.encode())).isEqualTo(value);
        });
    }

    @Test
    void arbitraryBytesNeverEscapeAsAnythingButWireException() {
        PropertyRunner.tries(300).check(g -> {
            byte[] junk = g.bytes(0, 255);
            for (Runnable decode : new Runnable[] {
                    () -> LazyAnnounce.decode(junk), () -> RequestByHash.decode(junk),
                    () -> Prune.decode(junk), () -> Graft.decode(junk)}) {
                try {
                    decode.run();
                } catch (WireException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        });
    }

    private static Bytes32 id(Gen g) {
        return Bytes32.wrap(g.bytes(32));
    }

    private static List<Bytes32> ids(Gen g) {
        return g.lists(1, 40, PlumtreeBodiesTest::id);
    }

    private static List<Announcement> announcements(Gen g) {
        return g.lists(1, 40, r -> new Announcement(id(r), r.ints(0, 255)));
    }
}
