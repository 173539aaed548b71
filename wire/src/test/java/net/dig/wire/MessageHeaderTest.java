package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;

/**
 * The transport's copy-once path: {@link Message#encodeHeader()} followed by the data is the
 * envelope, and {@link Message#decodeHeader} accepts and refuses exactly what {@link Message#decode}
 * does, with the same message.
 */
class MessageHeaderTest {
    private static final WireLimits L = WireLimits.DEFAULT.toBuilder().maxMessageData(1024).build();
    private static final Map<String, byte[]> FRAMES = Vectors.load("frames.txt");

    private static byte[] prefix(byte[] frame) {
        return Arrays.copyOf(frame, Math.min(frame.length, Message.MAX_HEADER));
    }

    @Test
    void everyGoldenFrameSplitsIntoHeaderAndData() {
        FRAMES.forEach((name, frame) -> {
            Message m = Message.decode(frame, WireLimits.DEFAULT);
            Message.Header h = Message.decodeHeader(prefix(frame), frame.length, WireLimits.DEFAULT);
            assertThat(h).as(name).isEqualTo(new Message.Header(m.type(), m.id(), m.data().length, m.encodeHeader().length));
            assertThat(Arrays.copyOfRange(frame, h.size(), frame.length)).as(name).isEqualTo(m.data());
            byte[] joined = new byte[frame.length];
            System.arraycopy(m.encodeHeader(), 0, joined, 0, h.size());
            System.arraycopy(m.data(), 0, joined, h.size(), m.data().length);
            assertThat(joined).as(name).isEqualTo(frame);
        });
    }

    @Test
    void malformedHeadersAreRefusedAsDecodeRefusesThem() {
        for (String hex : new String[] {"", "dc", "dc00", "dc000000", "dc02 00000000", "dc00 00000401" + "00".repeat(1025),
                "dc00 00000004 0102", "dc00 00000002 010203", "dc01 0001 00000001", "dc01 0001 00000000 ff"}) {
            byte[] frame = Vectors.hex(hex);
            String expected = catchMessage(() -> Message.decode(frame, L));
            assertThat(expected).as(hex).isNotNull();
            assertThatThrownBy(() -> Message.decodeHeader(prefix(frame), frame.length, L)).as(hex)
                    .isInstanceOf(WireException.class).hasMessage(expected);
        }
    }

    @Test
    void aPrefixShorterThanTheHeaderIsTheCallersMistake() {
        assertThatThrownBy(() -> Message.decodeHeader(new byte[3], 100, L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("first 8 bytes, got 3");
    }

    @Test
    void decodeHeaderAgreesWithDecodeOnAnyBytes() {
        PropertyRunner.tries(2000).check(g -> {
            byte[] frame = frame(g);
            String refused = catchMessage(() -> Message.decode(frame, L));
            if (refused == null) {
                Message m = Message.decode(frame, L);
                Message.Header h = Message.decodeHeader(prefix(frame), frame.length, L);
                assertThat(new Message(h.type(), h.id(), Arrays.copyOfRange(frame, h.size(), frame.length))).isEqualTo(m);
            } else {
                assertThatThrownBy(() -> Message.decodeHeader(prefix(frame), frame.length, L)).hasMessage(refused);
            }
        });
    }

    /** Random bytes (0..40 of them), or a valid frame with 0..40 data bytes cut or extended by up to 3 bytes. */
    private static byte[] frame(Gen g) {
        return g.oneOf(r -> r.bytes(0, 40), r -> {
            int n = r.ints(0, 40);
            int skew = r.ints(-3, 3);
            boolean withId = r.bool();
            Message m = new Message(0xdc, withId ? OptionalInt.of(258) : OptionalInt.empty(), new byte[n]);
            return Arrays.copyOf(m.encode(), Math.max(0, m.encodedSize() + skew));
        });
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
            return null;
        } catch (WireException e) {
            return e.getMessage();
        }
    }
}
