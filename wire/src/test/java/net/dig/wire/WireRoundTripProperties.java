package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import net.dig.core.Bytes32;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;

/** decode(encode(x)) == x for every record type, through both the body and the envelope. */
class WireRoundTripProperties {
    private static final WireLimits L = WireLimits.DEFAULT;
    private static final BigInteger U128_MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private static <T extends ProtocolMessage> void roundTrip(T value, Function<StreamableReader, T> decoder) {
        byte[] body = value.encode();
        assertThat(Streamable.decodeFully(body, L, decoder)).isEqualTo(value);
        Message m = value.toMessage(7);
        Message back = Message.decode(m.encode(), L);
        assertThat(back).isEqualTo(m);
        assertThat(back.type()).isEqualTo(value.messageType());
        assertThat(back.body(L, decoder)).isEqualTo(value);
    }

    static String strings(Gen g) {
        return g.strings(0, 40, '\u0000', '\uD7FF');
    }

    static Bytes32 hashes(Gen g) {
        return Bytes32.wrap(g.bytes(32));
    }

    static byte[] blobs(Gen g) {
        return g.bytes(0, 300);
    }

    static int u16(Gen g) {
        return g.ints(0, 0xFFFF);
    }

    static long u32(Gen g) {
        return g.longs(0, 0xFFFF_FFFFL);
    }

    static TimestampedPeerInfo peers(Gen g) {
        return new TimestampedPeerInfo(strings(g), u16(g), g.longs());
    }

    static Message messages(Gen g) {
        OptionalInt id = g.oneOf(r -> OptionalInt.empty(), r -> OptionalInt.of(u16(r)));
        return new Message(g.ints(0, 255), id, blobs(g));
    }

    @Test
    void messageEnvelope() {
        PropertyRunner.tries(300).check(g -> messageEnvelope(messages(g), Message::encode));
    }

    /** An encoder that drops the frame's last byte breaks the property on the first try. */
    @Test
    void aCodecThatDropsAByteFailsTheProperty() {
        Function<Message, byte[]> dropsTheLastByte = m -> {
            byte[] encoded = m.encode();
            return Arrays.copyOf(encoded, encoded.length - 1);
        };
        assertThatThrownBy(() -> PropertyRunner.tries(300).seed(23).check(g -> messageEnvelope(messages(g), dropsTheLastByte)))
                .isInstanceOf(AssertionError.class)
                .hasCauseInstanceOf(AssertionError.class)
                .hasMessageContaining("property failed on try 0 of 300: base seed 23, try seed " + PropertyRunner.trySeed(23, 0))
                .hasMessageContaining("-Ddig.seed=23");
    }

    private static void messageEnvelope(Message m, Function<Message, byte[]> encoder) {
        byte[] encoded = encoder.apply(m);
        assertThat(encoded).hasSize(m.encodedSize());
        assertThat(Message.decode(encoded, L)).isEqualTo(m);
    }

    static Handshake handshakes(Gen g) {
        List<Capability> caps = g.lists(0, 8, r -> new Capability(u16(r), strings(r)));
        return new Handshake(strings(g), strings(g), strings(g), u16(g), g.ints(0, 255), caps);
    }

    @Test
    void handshake() {
        PropertyRunner.tries(200).check(g -> roundTrip(handshakes(g), Handshake::decode));
    }

    @Test
    void respondPeers() {
        PropertyRunner.tries(100).check(g -> {
            List<TimestampedPeerInfo> peers = g.lists(0, 20, WireRoundTripProperties::peers);
            roundTrip(new RespondPeers(peers), RespondPeers::decode);
            roundTrip(new RespondPeersIntroducer(peers), RespondPeersIntroducer::decode);
        });
    }

    @Test
    void emptyBodies() {
        PropertyRunner.tries(10).check(g -> {
            roundTrip(new RequestPeers(), RequestPeers::decode);
            roundTrip(new RequestPeersIntroducer(), RequestPeersIntroducer::decode);
        });
    }

    static NewPeak peaks(Gen g) {
        return new NewPeak(hashes(g), u32(g), g.bigIntegers(BigInteger.ZERO, U128_MAX), u32(g), hashes(g));
    }

    @Test
    void newPeak() {
        PropertyRunner.tries(100).check(g -> roundTrip(peaks(g), NewPeak::decode));
    }

    @Test
    void transactions() {
        PropertyRunner.tries(100).check(g -> {
            NewTransaction t = new NewTransaction(hashes(g), g.longs(), g.longs());
            byte[] blob = blobs(g);
            roundTrip(t, NewTransaction::decode);
            roundTrip(new RequestTransaction(t.transactionId()), RequestTransaction::decode);
            roundTrip(new RespondTransaction(blob), RespondTransaction::decode);
            roundTrip(new RequestMempoolTransactions(blob), RequestMempoolTransactions::decode);
        });
    }

    @Test
    void blocks() {
        PropertyRunner.tries(100).check(g -> {
            long a = u32(g);
            long b = u32(g);
            boolean include = g.bool();
            byte[] blob = blobs(g);
            Bytes32 h = hashes(g);
            var oh = g.optionals(WireRoundTripProperties::hashes);
            roundTrip(new RequestBlock(a, include), RequestBlock::decode);
            roundTrip(new RespondBlock(blob), RespondBlock::decode);
            roundTrip(new RejectBlock(a), RejectBlock::decode);
            roundTrip(new RequestBlocks(a, b, include), RequestBlocks::decode);
            roundTrip(new RespondBlocks(a, b, blob), RespondBlocks::decode);
            roundTrip(new RejectBlocks(a, b), RejectBlocks::decode);
            roundTrip(new NewUnfinishedBlock(h), NewUnfinishedBlock::decode);
            roundTrip(new RequestUnfinishedBlock(h), RequestUnfinishedBlock::decode);
            roundTrip(new RespondUnfinishedBlock(blob), RespondUnfinishedBlock::decode);
            roundTrip(new NewUnfinishedBlock2(h, oh), NewUnfinishedBlock2::decode);
        });
    }

    @Test
    void chiaError() {
        PropertyRunner.tries(100).check(g -> roundTrip(
                new ChiaError(g.ints(Short.MIN_VALUE, Short.MAX_VALUE), strings(g), g.optionals(WireRoundTripProperties::blobs)),
                ChiaError::decode));
    }

    @Test
    void digBodies() {
        PropertyRunner.tries(100).check(g -> {
            RegisterPeer r = new RegisterPeer(strings(g), u16(g), g.ints(0, 255));
            boolean ok = g.bool();
            Bytes32 a = hashes(g);
            Bytes32 b = hashes(g);
            byte[] blob = blobs(g);
            List<Bytes32> launchers = g.lists(0, DistributorAnnounce.MAX_LAUNCHERS, WireRoundTripProperties::hashes);
            roundTrip(r, RegisterPeer::decode);
            roundTrip(new RegisterAck(ok), RegisterAck::decode);
            roundTrip(new ProfileRootAnnounce(a, b), ProfileRootAnnounce::decode);
            roundTrip(new ProfileBodyRequest(a, b), ProfileBodyRequest::decode);
            roundTrip(new ProfileBody(a, b, blob), ProfileBody::decode);
            roundTrip(new DistributorAnnounce(a, launchers), DistributorAnnounce::decode);
        });
    }

    @Test
    void streamDecoderAgreesWithWholeFrameDecoding() {
        PropertyRunner.tries(300).check(g -> {
            Message a = messages(g);
            Message b = messages(g);
            int cut = g.ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
            byte[] stream = net.dig.testkit.ByteSlicing.join(List.of(a.encode(), b.encode()));
            int at = Math.floorMod(cut, stream.length + 1);
            MessageStreamDecoder d = new MessageStreamDecoder(L);
            List<Message> out = new java.util.ArrayList<>(d.feed(Arrays.copyOfRange(stream, 0, at)));
            out.addAll(d.feed(Arrays.copyOfRange(stream, at, stream.length)));
            assertThat(out).containsExactly(a, b);
        });
    }

    /** Arbitrary bytes never crash the decoder with anything but a WireException. */
    @Test
    void garbageFailsCleanly() {
        PropertyRunner.tries(500).check(g -> {
            byte[] garbage = blobs(g);
            for (Function<StreamableReader, ?> d : List.<Function<StreamableReader, ?>>of(Handshake::decode, RespondPeers::decode,
                    NewPeak::decode, ChiaError::decode, RegisterPeer::decode, Message::read)) {
                try {
                    new StreamableReader(garbage, L.toBuilder().maxListCount(1000).build()).list(r -> d.apply(r));
                } catch (WireException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        });
    }

    /** Arbitrary byte streams in arbitrary pieces: the stream decoder yields messages or a WireException, nothing else. */
    @Test
    void streamDecoderSurvivesGarbage() {
        PropertyRunner.tries(300).check(g -> {
            byte[] garbage = blobs(g);
            int cut = g.ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
            MessageStreamDecoder d = new MessageStreamDecoder(L.toBuilder().maxMessageData(256).build());
            int at = Math.floorMod(cut, garbage.length + 1);
            try {
                d.feed(Arrays.copyOfRange(garbage, 0, at));
                d.feed(Arrays.copyOfRange(garbage, at, garbage.length));
                assertThat(d.buffered()).isLessThanOrEqualTo(garbage.length);
            } catch (WireException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }
}
