package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import net.dig.core.Bytes32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** decode(encode(x)) == x for every record type, through both the body and the envelope. */
class WireRoundTripProperties {
    private static final WireLimits L = WireLimits.DEFAULT;

    private static <T extends ProtocolMessage> void roundTrip(T value, Function<StreamableReader, T> decoder) {
        byte[] body = value.encode();
        assertThat(Streamable.decodeFully(body, L, decoder)).isEqualTo(value);
        Message m = value.toMessage(7);
        Message back = Message.decode(m.encode(), L);
        assertThat(back).isEqualTo(m);
        assertThat(back.type()).isEqualTo(value.messageType());
        assertThat(back.body(L, decoder)).isEqualTo(value);
    }

    static Arbitrary<String> strings() {
        return Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(40);
    }

    static Arbitrary<Bytes32> hashes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32).map(Bytes32::wrap);
    }

    static Arbitrary<byte[]> blobs() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    static Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 0xFFFF);
    }

    static Arbitrary<Long> u32() {
        return Arbitraries.longs().between(0, 0xFFFF_FFFFL);
    }

    static Arbitrary<TimestampedPeerInfo> peers() {
        return Combinators.combine(strings(), u16(), Arbitraries.longs()).as(TimestampedPeerInfo::new);
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<OptionalInt> ids = Arbitraries.oneOf(Arbitraries.just(OptionalInt.empty()), u16().map(OptionalInt::of));
        return Combinators.combine(Arbitraries.integers().between(0, 255), ids, blobs()).as(Message::new);
    }

    @Property(tries = 300)
    void messageEnvelope(@ForAll("messages") Message m) {
        byte[] encoded = m.encode();
        assertThat(encoded).hasSize(m.encodedSize());
        assertThat(Message.decode(encoded, L)).isEqualTo(m);
    }

    @Provide
    Arbitrary<Handshake> handshakes() {
        Arbitrary<List<Capability>> caps = Combinators.combine(u16(), strings()).as(Capability::new).list().ofMaxSize(8);
        return Combinators.combine(strings(), strings(), strings(), u16(), Arbitraries.integers().between(0, 255), caps)
                .as(Handshake::new);
    }

    @Property(tries = 200)
    void handshake(@ForAll("handshakes") Handshake h) {
        roundTrip(h, Handshake::decode);
    }

    @Property(tries = 100)
    void respondPeers(@ForAll("peerLists") List<TimestampedPeerInfo> peers) {
        roundTrip(new RespondPeers(peers), RespondPeers::decode);
        roundTrip(new RespondPeersIntroducer(peers), RespondPeersIntroducer::decode);
    }

    @Provide
    Arbitrary<List<TimestampedPeerInfo>> peerLists() {
        return peers().list().ofMaxSize(20);
    }

    @Property(tries = 10)
    void emptyBodies() {
        roundTrip(new RequestPeers(), RequestPeers::decode);
        roundTrip(new RequestPeersIntroducer(), RequestPeersIntroducer::decode);
    }

    @Provide
    Arbitrary<NewPeak> peaks() {
        Arbitrary<BigInteger> u128 = Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
        return Combinators.combine(hashes(), u32(), u128, u32(), hashes()).as(NewPeak::new);
    }

    @Property(tries = 100)
    void newPeak(@ForAll("peaks") NewPeak p) {
        roundTrip(p, NewPeak::decode);
    }

    @Property(tries = 100)
    void transactions(@ForAll("txs") NewTransaction t, @ForAll("blobsP") byte[] blob) {
        roundTrip(t, NewTransaction::decode);
        roundTrip(new RequestTransaction(t.transactionId()), RequestTransaction::decode);
        roundTrip(new RespondTransaction(blob), RespondTransaction::decode);
        roundTrip(new RequestMempoolTransactions(blob), RequestMempoolTransactions::decode);
    }

    @Provide
    Arbitrary<NewTransaction> txs() {
        return Combinators.combine(hashes(), Arbitraries.longs(), Arbitraries.longs()).as(NewTransaction::new);
    }

    @Provide
    Arbitrary<byte[]> blobsP() {
        return blobs();
    }

    @Property(tries = 100)
    void blocks(@ForAll("u32P") long a, @ForAll("u32P") long b, @ForAll boolean include, @ForAll("blobsP") byte[] blob,
            @ForAll("hashesP") Bytes32 h, @ForAll("optionalHashes") Optional<Bytes32> oh) {
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
    }

    @Provide
    Arbitrary<Long> u32P() {
        return u32();
    }

    @Provide
    Arbitrary<Bytes32> hashesP() {
        return hashes();
    }

    @Provide
    Arbitrary<Optional<Bytes32>> optionalHashes() {
        return hashes().optional();
    }

    @Property(tries = 100)
    void chiaError(@ForAll("errors") ChiaError e) {
        roundTrip(e, ChiaError::decode);
    }

    @Provide
    Arbitrary<ChiaError> errors() {
        return Combinators.combine(Arbitraries.integers().between(Short.MIN_VALUE, Short.MAX_VALUE), strings(), blobs().optional())
                .as(ChiaError::new);
    }

    @Property(tries = 100)
    void digBodies(@ForAll("registrations") RegisterPeer r, @ForAll boolean ok, @ForAll("hashesP") Bytes32 a,
            @ForAll("hashesP") Bytes32 b, @ForAll("blobsP") byte[] blob, @ForAll("launchers") List<Bytes32> launchers) {
        roundTrip(r, RegisterPeer::decode);
        roundTrip(new RegisterAck(ok), RegisterAck::decode);
        roundTrip(new ProfileRootAnnounce(a, b), ProfileRootAnnounce::decode);
        roundTrip(new ProfileBodyRequest(a, b), ProfileBodyRequest::decode);
        roundTrip(new ProfileBody(a, b, blob), ProfileBody::decode);
        roundTrip(new DistributorAnnounce(a, launchers), DistributorAnnounce::decode);
    }

    @Provide
    Arbitrary<RegisterPeer> registrations() {
        return Combinators.combine(strings(), u16(), Arbitraries.integers().between(0, 255)).as(RegisterPeer::new);
    }

    @Provide
    Arbitrary<List<Bytes32>> launchers() {
        return hashes().list().ofMaxSize(DistributorAnnounce.MAX_LAUNCHERS);
    }

    @Property(tries = 300)
    void streamDecoderAgreesWithWholeFrameDecoding(@ForAll("messages") Message a, @ForAll("messages") Message b,
            @ForAll("cut") int cut) {
        byte[] stream = net.dig.testkit.ByteSlicing.join(List.of(a.encode(), b.encode()));
        int at = Math.floorMod(cut, stream.length + 1);
        MessageStreamDecoder d = new MessageStreamDecoder(L);
        List<Message> out = new java.util.ArrayList<>(d.feed(java.util.Arrays.copyOfRange(stream, 0, at)));
        out.addAll(d.feed(java.util.Arrays.copyOfRange(stream, at, stream.length)));
        assertThat(out).containsExactly(a, b);
    }

    @Provide
    Arbitrary<Integer> cut() {
        return Arbitraries.integers();
    }

    /** Arbitrary bytes never crash the decoder with anything but a WireException. */
    @Property(tries = 500)
    void garbageFailsCleanly(@ForAll("blobsP") byte[] garbage) {
        for (Function<StreamableReader, ?> d : List.<Function<StreamableReader, ?>>of(Handshake::decode, RespondPeers::decode,
                NewPeak::decode, ChiaError::decode, RegisterPeer::decode, Message::read)) {
            try {
                new StreamableReader(garbage, L.toBuilder().maxListCount(1000).build()).list(r -> d.apply(r));
            } catch (WireException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    /** Arbitrary byte streams in arbitrary pieces: the stream decoder yields messages or a WireException, nothing else. */
    @Property(tries = 300)
    void streamDecoderSurvivesGarbage(@ForAll("blobsP") byte[] garbage, @ForAll("cut") int cut) {
        MessageStreamDecoder d = new MessageStreamDecoder(L.toBuilder().maxMessageData(256).build());
        int at = Math.floorMod(cut, garbage.length + 1);
        try {
            d.feed(java.util.Arrays.copyOfRange(garbage, 0, at));
            d.feed(java.util.Arrays.copyOfRange(garbage, at, garbage.length));
            assertThat(d.buffered()).isLessThanOrEqualTo(garbage.length);
        } catch (WireException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
