package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;

/** Every decode limit, attacked with a small input that claims a huge size; refused before allocation. */
class WireAttackTest {
    private static final WireLimits L = WireLimits.DEFAULT;

    @Test
    void attack_listCountClaimsFourBillionEntriesWithNineBytes() {
        byte[] body = Vectors.hex("ffffffff 0000000131 20fc");
        assertThatThrownBy(() -> Streamable.decodeFully(body, L, RespondPeers::decode))
                .isInstanceOf(WireException.class).hasMessageContaining("list count 4294967295 exceeds the limit 65536");
        WireLimits generous = L.toBuilder().maxListCount(Integer.MAX_VALUE).build();
        byte[] signedMax = Vectors.hex("7fffffff 0000000131 20fc");
        assertThatThrownBy(() -> Streamable.decodeFully(signedMax, generous, RespondPeers::decode))
                .hasMessageContaining("list count 2147483647 needs at least");
    }

    @Test
    void attack_listCountWithinLimitButBeyondTheBytesPresent() {
        byte[] body = Vectors.hex("0000ffff 00000000 0000 0000000000000000");
        assertThatThrownBy(() -> Streamable.decodeFully(body, L, RespondPeersIntroducer::decode))
                .hasMessageContaining("list count 65535 needs at least 917490 bytes but 14 remain");
    }

    @Test
    void attack_listCountOverAConfiguredSmallLimit() {
        byte[] body = new RespondPeers(List.of(new TimestampedPeerInfo("a", 1, 1), new TimestampedPeerInfo("b", 1, 1))).encode();
        assertThatThrownBy(() -> Streamable.decodeFully(body, L.toBuilder().maxListCount(1).build(), RespondPeers::decode))
                .hasMessageContaining("list count 2 exceeds the limit 1 at offset 0");
    }

    @Test
    void attack_stringLengthClaimsFourGigabytes() {
        byte[] body = Vectors.hex("ffffffff 616263");
        assertThatThrownBy(() -> new StreamableReader(body, L).str())
                .hasMessageContaining("string length 4294967295 exceeds the limit 65536 at offset 0");
        assertThatThrownBy(() -> new StreamableReader(Vectors.hex("7fffffff 616263"), L.toBuilder().maxStringLength(Integer.MAX_VALUE).build()).str())
                .hasMessageContaining("truncated input: string of 2147483647 bytes but 3 remain");
    }

    @Test
    void attack_bytesLengthOverLimit() {
        byte[] body = Vectors.hex("00000011" + "00".repeat(17));
        assertThatThrownBy(() -> new StreamableReader(body, L.toBuilder().maxBytesLength(16).build()).bytes())
                .hasMessageContaining("bytes length 17 exceeds the limit 16");
        assertThat(new StreamableReader(body, L.toBuilder().maxBytesLength(17).build()).bytes()).hasSize(17);
    }

    @Test
    void attack_messageDataLengthOverLimit() {
        byte[] frame = Vectors.hex("dc00 7fffffff 00");
        assertThatThrownBy(() -> Message.decode(frame, L))
                .hasMessageContaining("message data length 2147483647 exceeds the limit 16777216 at offset 2");
        assertThatThrownBy(() -> Message.decode(Vectors.hex("dc00 ffffffff"), L)).hasMessageContaining("4294967295 exceeds");
    }

    @Test
    void attack_streamDecoderRefusesAHugeHeaderBeforeBufferingAnyPayload() {
        MessageStreamDecoder decoder = new MessageStreamDecoder(L.toBuilder().maxMessageData(1024).build());
        assertThat(decoder.feed(Vectors.hex("dc0000"))).isEmpty();
        assertThatThrownBy(() -> decoder.feed(Vectors.hex("000401")))
                .hasMessageContaining("message data length 1025 exceeds the limit 1024");
        assertThatThrownBy(() -> decoder.feed(Vectors.hex("00"))).hasMessageContaining("stream decoder already failed");
    }

    @Test
    void attack_streamDecoderRefusesABadIdTagImmediately() {
        MessageStreamDecoder decoder = new MessageStreamDecoder(L);
        assertThatThrownBy(() -> decoder.feed(Vectors.hex("2b05"))).hasMessageContaining("invalid optional tag 0x5");
    }

    @Test
    void attack_handshakeWithHugeCapabilityCount() {
        byte[] body = new StreamableWriter().str("n").str("p").str("s").u16(1).u8(1).u32(0xFFFF_FFF0L).toByteArray();
        assertThatThrownBy(() -> Streamable.decodeFully(body, L, Handshake::decode)).hasMessageContaining("list count");
    }

    @Test
    void attack_errorDataOverBytesLimit() {
        byte[] body = new StreamableWriter().i16(1).str("x").u8(1).u32(1L << 30).toByteArray();
        assertThatThrownBy(() -> Streamable.decodeFully(body, L, ChiaError::decode))
                .hasMessageContaining("bytes length 1073741824 exceeds the limit 16777216");
    }

    @Test
    void attack_profileBodyOverOneMebibyte() {
        byte[] body = new StreamableWriter().bytes32(Bytes32.ZERO).bytes32(Bytes32.ZERO).u32((1 << 20) + 1).toByteArray();
        assertThatThrownBy(() -> Streamable.decodeFully(body, L, ProfileBody::decode))
                .hasMessageContaining("bytes length 1048577 exceeds the limit 1048576");
    }

    @Test
    void attack_distributorAnnounceOverThirtyTwoLaunchers() {
        byte[] body = new StreamableWriter().bytes32(Bytes32.ZERO).u16(0xFFFF).toByteArray();
        assertThatThrownBy(() -> Streamable.decodeFully(body, L, DistributorAnnounce::decode))
                .hasMessageContaining("65535 launcher ids, more than 32");
    }

    @Test
    void attack_oneLargeFrameDoesNotPinItsBufferForever() {
        MessageStreamDecoder decoder = new MessageStreamDecoder(L);
        byte[] big = Message.of(220, new byte[1 << 20]).encode();
        assertThat(decoder.feed(big)).hasSize(1);
        assertThat(decoder.capacity()).isLessThanOrEqualTo(MessageStreamDecoder.RETAINED_CAPACITY);
    }
}
