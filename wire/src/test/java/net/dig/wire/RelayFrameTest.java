package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayFrameTest {
    private static final Map<String, byte[]> V = Vectors.load("relay.txt");

    private static byte[] ids(int b) {
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) b);
        return id;
    }

    @Test
    void everyKindEncodesToItsGoldenBytesAndBack() {
        Map<String, RelayFrame> frames = Map.of(
                "register", new RelayFrame.Register(),
                "registered-accepted", new RelayFrame.Registered(RelayFrame.Reason.NORMAL),
                "registered-full", new RelayFrame.Registered(RelayFrame.Reason.RELAY_FULL),
                "open", new RelayFrame.Open(7, ids(0x11)),
                "data", new RelayFrame.Data(0x8000_0001, "abc".getBytes(StandardCharsets.US_ASCII)),
                "close", new RelayFrame.Close(7, RelayFrame.Reason.BYTE_LIMIT));
        assertThat(frames.keySet()).isEqualTo(V.keySet());
        frames.forEach((name, frame) -> {
            assertThat(HexFormat.of().formatHex(RelayFrame.encode(frame))).as(name).isEqualTo(HexFormat.of().formatHex(V.get(name)));
            assertThat(RelayFrame.decode(V.get(name))).as(name).isEqualTo(frame);
        });
        assertThat(new RelayFrame.Register().toMessage().type()).isEqualTo(DigMessageType.DIG_RELAY.code());
    }

    @Test
    void badBodiesAreRefusedBeforeAllocating() {
        assertThatThrownBy(() -> RelayFrame.decode(new byte[] {1})).isInstanceOf(WireException.class).hasMessageContaining("header");
        assertThatThrownBy(() -> RelayFrame.decode(new byte[] {2, 1})).isInstanceOf(WireException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> RelayFrame.decode(new byte[] {1, 9})).isInstanceOf(WireException.class).hasMessageContaining("kind 9");
        assertThatThrownBy(() -> RelayFrame.decode(new byte[] {1, 2, 42})).isInstanceOf(WireException.class).hasMessageContaining("reason 42");
        assertThatThrownBy(() -> RelayFrame.decode(HexFormat.of().parseHex("010400000001ffffffff")))
                .isInstanceOf(WireException.class).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> RelayFrame.decode(HexFormat.of().parseHex("01040000000100000005616263")))
                .isInstanceOf(WireException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> RelayFrame.decode(HexFormat.of().parseHex("010100")))
                .isInstanceOf(WireException.class).hasMessageContaining("trailing");
        assertThatThrownBy(() -> new RelayFrame.Data(1, new byte[RelayFrame.MAX_DATA + 1])).isInstanceOf(IllegalArgumentException.class);
    }
}
