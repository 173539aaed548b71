package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;

class StreamablePrimitivesTest {
    private static final WireLimits L = WireLimits.DEFAULT;

    private static StreamableReader reader(String hex) {
        return new StreamableReader(Vectors.hex(hex), L);
    }

    @Test
    void integersAreBigEndian() {
        byte[] b = new StreamableWriter().u8(0xab).u16(0x0102).u32(0xdeadbeefL).u64(0x0102030405060708L)
                .i16(-2).u128(BigInteger.ONE.shiftLeft(127)).toByteArray();
        assertThat(b).isEqualTo(Vectors.hex("ab 0102 deadbeef 0102030405060708 fffe 80000000000000000000000000000000"));
        StreamableReader r = new StreamableReader(b, L);
        assertThat(r.u8()).isEqualTo(0xab);
        assertThat(r.u16()).isEqualTo(0x0102);
        assertThat(r.u32()).isEqualTo(0xdeadbeefL);
        assertThat(r.u64()).isEqualTo(0x0102030405060708L);
        assertThat(r.i16()).isEqualTo(-2);
        assertThat(r.u128()).isEqualTo(BigInteger.ONE.shiftLeft(127));
        r.requireFullyConsumed();
    }

    @Test
    void u64KeepsTheFullUnsignedRange() {
        byte[] b = new StreamableWriter().u64(-1L).toByteArray();
        assertThat(b).isEqualTo(Vectors.hex("ffffffffffffffff"));
        assertThat(Long.toUnsignedString(new StreamableReader(b, L).u64())).isEqualTo("18446744073709551615");
    }

    @Test
    void boolAcceptsOnlyZeroAndOne() {
        assertThat(reader("00").bool()).isFalse();
        assertThat(reader("01").bool()).isTrue();
        assertThatThrownBy(() -> reader("02").bool())
                .isInstanceOf(WireException.class).hasMessageContaining("invalid bool byte 0x2").hasMessageContaining("offset 0");
    }

    @Test
    void optionalTagMustBeZeroOrOne() {
        assertThat(reader("00").optional(StreamableReader::u8)).isEmpty();
        assertThat(reader("0107").optional(StreamableReader::u8)).contains(7);
        assertThatThrownBy(() -> reader("0207").optional(StreamableReader::u8))
                .isInstanceOf(WireException.class).hasMessageContaining("invalid optional tag 0x2");
        assertThat(new StreamableWriter().optional(Optional.of(7), StreamableWriter::u8).toByteArray()).isEqualTo(Vectors.hex("0107"));
        assertThat(new StreamableWriter().optional(Optional.<Integer>empty(), StreamableWriter::u8).toByteArray()).isEqualTo(Vectors.hex("00"));
    }

    @Test
    void truncatedInputNamesTheFieldAndOffset() {
        assertThatThrownBy(() -> reader("0102").u32()).isInstanceOf(WireException.class)
                .hasMessageContaining("truncated input: u32 needs 4 bytes but 2 remain at offset 0");
        StreamableReader r = reader("00000005 6162");
        assertThatThrownBy(r::str).hasMessageContaining("truncated input: string of 5 bytes but 2 remain");
        assertThatThrownBy(() -> reader("00000003 0001").list(StreamableReader::u16, 2))
                .hasMessageContaining("list count 3 needs at least 6 bytes but 2 remain");
        assertThatThrownBy(() -> reader("aabb").bytes32()).hasMessageContaining("bytes32 needs 32 bytes");
        assertThatThrownBy(() -> reader("").u8()).hasMessageContaining("u8 needs 1 bytes but 0 remain");
    }

    @Test
    void trailingBytesAreRejectedByWholeBufferDecoding() {
        assertThatThrownBy(() -> Streamable.decodeFully(Vectors.hex("0100"), L, RegisterAck::decode))
                .isInstanceOf(WireException.class).hasMessageContaining("trailing bytes: 1 unread after the value at offset 1");
        assertThatThrownBy(() -> Message.decode(Vectors.hex("2b000000000000"), L)).hasMessageContaining("trailing bytes");
    }

    @Test
    void stringsAreStrictUtf8BothWays() {
        assertThat(reader("00000002 c3a9").str()).isEqualTo("é");
        assertThat(new StreamableWriter().str("é").toByteArray()).isEqualTo(Vectors.hex("00000002c3a9"));
        assertThatThrownBy(() -> reader("00000001 ff").str()).isInstanceOf(WireException.class)
                .hasMessageContaining("string is not valid UTF-8 at offset 0");
        assertThatThrownBy(() -> reader("00000002 c328").str()).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> reader("00000003 eda080").str()).hasMessageContaining("not valid UTF-8"); // encoded surrogate
        assertThatThrownBy(() -> new StreamableWriter().str("a\uD800b")).isInstanceOf(WireException.class)
                .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void bytesAndListsHaveU32Prefixes() {
        assertThat(new StreamableWriter().bytes(Vectors.hex("abcd")).toByteArray()).isEqualTo(Vectors.hex("00000002abcd"));
        assertThat(new StreamableWriter().list(List.of(1, 2), StreamableWriter::u16).toByteArray())
                .isEqualTo(Vectors.hex("00000002 0001 0002"));
        assertThat(reader("00000002 0001 0002").list(StreamableReader::u16, 2)).containsExactly(1, 2);
        Bytes32 h = Bytes32.fromHex("11".repeat(32));
        assertThat(new StreamableWriter().bytes32(h).toByteArray()).isEqualTo(h.toArray());
    }

    @Test
    void writerRefusesOutOfRangeValues() {
        StreamableWriter w = new StreamableWriter();
        assertThatThrownBy(() -> w.u8(256)).isInstanceOf(WireException.class).hasMessageContaining("u8 out of range: 256");
        assertThatThrownBy(() -> w.u16(-1)).hasMessageContaining("u16 out of range");
        assertThatThrownBy(() -> w.u32(1L << 32)).hasMessageContaining("u32 out of range");
        assertThatThrownBy(() -> w.i16(40000)).hasMessageContaining("i16 out of range");
        assertThatThrownBy(() -> w.u128(BigInteger.ONE.shiftLeft(128))).hasMessageContaining("u128 out of range");
        assertThatThrownBy(() -> w.u128(BigInteger.ONE.negate())).hasMessageContaining("u128 out of range");
        assertThat(w.size()).isZero();
    }

    @Test
    void recordsRefuseOutOfRangeFields() {
        assertThatThrownBy(() -> new TimestampedPeerInfo("h", 70000, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port must be a u16");
        assertThatThrownBy(() -> new Handshake("n", "p", "s", 1, 300, List.of())).hasMessageContaining("nodeType must be a u8");
        assertThatThrownBy(() -> new Message(256, java.util.OptionalInt.empty(), new byte[0])).hasMessageContaining("u8");
        assertThatThrownBy(() -> new Message(1, java.util.OptionalInt.of(65536), new byte[0])).hasMessageContaining("u16");
        assertThatThrownBy(() -> new ChiaError(40000, "", Optional.empty())).hasMessageContaining("i16");
    }

    @Test
    void messageEnvelopeRejectsBadIdTagAndShortHeader() {
        assertThatThrownBy(() -> Message.decode(Vectors.hex("2b0200000000"), L)).isInstanceOf(WireException.class)
                .hasMessageContaining("invalid optional tag 0x2 for message id at offset 1");
        assertThatThrownBy(() -> Message.decode(Vectors.hex("2b01"), L)).hasMessageContaining("truncated input: u16");
        assertThatThrownBy(() -> Message.decode(Vectors.hex("2b000000000301"), L))
                .hasMessageContaining("message data of 3 bytes but 1 remain");
    }

    @Test
    void enumsLookUpByCode() {
        assertThat(ChiaMessageType.of(43)).contains(ChiaMessageType.REQUEST_PEERS);
        assertThat(ChiaMessageType.of(255)).contains(ChiaMessageType.ERROR);
        assertThat(ChiaMessageType.of(2)).isEmpty();
        assertThat(ChiaMessageType.of(-1)).isEmpty();
        assertThat(ChiaMessageType.RESPOND_PEERS_INTRODUCER.wireName()).isEqualTo("respond_peers_introducer");
        for (int c = 200; c <= 226; c++) {
            assertThat(DigMessageType.of(c).orElseThrow().code()).isEqualTo(c);
        }
        assertThat(DigMessageType.of(199)).isEmpty();
        assertThat(DigMessageType.of(227)).isEmpty();
        assertThat(DigMessageType.of(219)).contains(DigMessageType.REGISTER_ACK);
        assertThat(DigMessageType.isDigBand(254)).isTrue();
        assertThat(DigMessageType.isDigBand(255)).isFalse();
        assertThat(NodeType.of(5)).contains(NodeType.INTRODUCER);
        assertThat(NodeType.of(9)).isEmpty();
    }

    @Test
    void handshakeCapabilitiesAreEnabledOnlyByValueOne() {
        Handshake h = new Handshake("n", "0.0.36", "s", 0, 1,
                List.of(Capability.enabled(1), new Capability(3, "0"), new Capability(7, "yes")));
        assertThat(h.hasCapability(Capability.BASE)).isTrue();
        assertThat(h.hasCapability(Capability.RATE_LIMITS_V2)).isFalse();
        assertThat(h.hasCapability(Capability.RATE_LIMITS_V3)).isFalse();
        assertThat(h.hasCapability(Capability.MEMPOOL_UPDATES)).isFalse();
    }
}
