package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Fuzz targets for everything dig-wire decodes from a peer: every Streamable body, the envelope, and
 * the stream decoder fed in arbitrary pieces. The contract under test: a value, or a
 * {@link WireException}; any other throwable is a finding. A decoded body also re-encodes to the
 * bytes it came from (the encoding is canonical, so a message id computed from either is the same).
 *
 * <p>Without {@code JAZZER_FUZZ} these run once per saved input under {@code WireFuzzTestInputs/};
 * {@code bench/scripts/fuzz.sh} runs one of them coverage-guided (docs/fuzzing.md).
 */
class WireFuzzTest {
    private static final WireLimits LIMITS = WireLimits.DEFAULT.toBuilder()
            .maxMessageData(1 << 16).maxBytesLength(1 << 16).maxStringLength(1 << 10).maxListCount(1 << 10).build();

    /** Every body decoder in the package, in a fixed order: the first input byte picks one. */
    static final List<Function<StreamableReader, ? extends Streamable>> BODIES = List.of(
            Capability::decode, ChiaError::decode, DistributorAnnounce::decode, Graft::decode, Handshake::decode,
            LazyAnnounce::decode, NewPeak::decode, NewTransaction::decode, NewUnfinishedBlock::decode,
            NewUnfinishedBlock2::decode, ProfileBody::decode, ProfileBodyRequest::decode, ProfileRootAnnounce::decode,
            Prune::decode, RegisterAck::decode, RegisterPeer::decode, RejectBlock::decode, RejectBlocks::decode,
            RequestBlock::decode, RequestBlocks::decode, RequestByHash::decode, RequestMempoolTransactions::decode,
            RequestPeers::decode, RequestPeersIntroducer::decode, RequestTransaction::decode,
            RequestUnfinishedBlock::decode, RespondBlock::decode, RespondBlocks::decode, RespondPeers::decode,
            RespondPeersIntroducer::decode, RespondTransaction::decode, RespondUnfinishedBlock::decode,
            TimestampedPeerInfo::decode, ReconciliationSketch::decode, ReconciliationSalt::decode, ReconciliationResponse::decode);

    @FuzzTest
    void body(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Function<StreamableReader, ? extends Streamable> decoder = BODIES.get((input[0] & 0xFF) % BODIES.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        Streamable value;
        try {
            value = Streamable.decodeFully(body, LIMITS, decoder);
        } catch (WireException expected) {
            return;
        }
        assertThat(value.encode()).as("re-encoding of %s", value).isEqualTo(body);
    }

    @FuzzTest
    void envelope(byte[] frame) {
        Message m;
        try {
            m = Message.decode(frame, LIMITS);
        } catch (WireException expected) {
            return;
        }
        assertThat(m.encode()).isEqualTo(frame);
        Message.Header header = Message.decodeHeader(Arrays.copyOf(frame, Math.min(frame.length, Message.MAX_HEADER)),
                frame.length, LIMITS);
        assertThat(header.dataLength()).isEqualTo(m.data().length);
    }

    /**
     * The storage network's bodies: the first byte picks a signed node message (opcode 240), a holdings
     * announcement (222) or a store-melted notice (221); each decodes or is refused with a WireException.
     */
    @FuzzTest
    void storageNetwork(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        try {
            switch ((input[0] & 0xFF) % 3) {
                case 0 -> NodeMessageCodec.decode(body, NodeMessageLimits.DEFAULT);
                case 1 -> HoldingsAnnounce.decode(body);
                default -> StoreMelted.decode(body);
            }
        } catch (WireException expected) {
            // refused with the codec's typed error
        }
    }

    /** The stream cut where the fuzzer says: the envelopes are the same as from one whole feed. */
    @FuzzTest
    void stream(FuzzedDataProvider data) {
        int cuts = data.consumeInt(0, 16);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < cuts; i++) {
            sizes.add(data.consumeInt(0, 64));
        }
        byte[] stream = data.consumeRemainingAsBytes();
        List<Message> whole = new ArrayList<>();
        boolean wholeFailed = feedAll(new MessageStreamDecoder(LIMITS), List.of(stream), whole);

        List<byte[]> pieces = new ArrayList<>();
        int at = 0;
        for (int size : sizes) {
            int n = Math.min(size, stream.length - at);
            pieces.add(Arrays.copyOfRange(stream, at, at + n));
            at += n;
        }
        pieces.add(Arrays.copyOfRange(stream, at, stream.length));
        List<Message> sliced = new ArrayList<>();
        boolean slicedFailed = feedAll(new MessageStreamDecoder(LIMITS), pieces, sliced);

        assertThat(slicedFailed).isEqualTo(wholeFailed);
        if (!wholeFailed) {
            assertThat(sliced).isEqualTo(whole);
        }
    }

    private static boolean feedAll(MessageStreamDecoder decoder, List<byte[]> pieces, List<Message> out) {
        try {
            for (byte[] piece : pieces) {
                out.addAll(decoder.feed(piece));
            }
            return false;
        } catch (WireException expected) {
            return true;
        }
    }
}
