package net.dig.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Map;
import net.dig.proptest.PropertyRunner;
import net.dig.wire.ReconciliationResponse.Outcome;
import net.dig.wire.ReconciliationSketch.Kind;
import org.junit.jupiter.api.Test;

/** Golden vectors, round trips and hostile inputs for the ERLAY bodies (DIG 211-212). */
class ReconciliationBodiesTest {
    private static final Map<String, byte[]> V = Vectors.load("erlay.txt");
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void constructedValuesEncodeToTheGoldenBytesAndBack() {
        ReconciliationSketch initial = new ReconciliationSketch(7, Kind.INITIAL, 3, HEX.parseHex("0600000048000000"));
        ReconciliationSketch extension = new ReconciliationSketch(7, Kind.EXTENSION, 3, HEX.parseHex("2004000080400000"));
        ReconciliationResponse decoded = new ReconciliationResponse(7, Outcome.DECODED, 5, new int[] {0xDEAD_BEEF, 1});
        ReconciliationResponse extend = new ReconciliationResponse(7, Outcome.EXTEND, 5, new int[0]);
        ReconciliationResponse failed = new ReconciliationResponse(7, Outcome.FAILED, 5, new int[0]);
        assertThat(initial.encode()).isEqualTo(V.get("sketch_initial"));
        assertThat(extension.encode()).isEqualTo(V.get("sketch_extension"));
        assertThat(decoded.encode()).isEqualTo(V.get("response_decoded"));
        assertThat(extend.encode()).isEqualTo(V.get("response_extend"));
        assertThat(failed.encode()).isEqualTo(V.get("response_failed"));
        assertThat(extend.toMessage().encode()).isEqualTo(V.get("frame_response_extend"));
        assertThat(ReconciliationSketch.decode(V.get("sketch_initial"))).isEqualTo(initial);
        assertThat(ReconciliationSketch.decode(V.get("sketch_extension"))).isEqualTo(extension);
        assertThat(ReconciliationResponse.decode(V.get("response_decoded"))).isEqualTo(decoded);
        assertThat(ReconciliationResponse.decode(V.get("response_decoded")).asked()).containsExactly(0xDEAD_BEEF, 1);
        assertThat(ReconciliationResponse.decode(V.get("response_failed"))).isEqualTo(failed);
        assertThat(ReconciliationSketch.OPCODE).isEqualTo(DigMessageType.RECONCILIATION_SKETCH.code());
        assertThat(ReconciliationResponse.OPCODE).isEqualTo(DigMessageType.RECONCILIATION_RESPONSE.code());
    }

    @Test
    void aSaltEncodesToTheGoldenBytesAndIsToldApartFromSketches() {
        ReconciliationSalt salt = new ReconciliationSalt(0x0123_4567_89AB_CDEFL);
        assertThat(salt.encode()).isEqualTo(V.get("salt"));
        assertThat(salt.toMessage().encode()).isEqualTo(V.get("frame_salt"));
        assertThat(ReconciliationSalt.decode(V.get("salt"))).isEqualTo(salt);
        assertThat(ReconciliationSalt.decode(new ReconciliationSalt(-1).encode()).salt()).as("all 64 bits").isEqualTo(-1);
        assertThat(ReconciliationSalt.isSalt(V.get("salt"))).isTrue();
        assertThat(ReconciliationSalt.isSalt(V.get("sketch_initial"))).isFalse();
        assertThat(ReconciliationSalt.isSalt(V.get("sketch_extension"))).isFalse();
        assertThat(ReconciliationSalt.isSalt(new byte[] {1, 0, 0})).isFalse();
        assertThatThrownBy(() -> ReconciliationSalt.decode(HEX.parseHex("0200000000020123456789abcdef")))
                .isInstanceOf(WireException.class).hasMessageContaining("unsupported version 2");
        assertThatThrownBy(() -> ReconciliationSalt.decode(HEX.parseHex("0100000007020123456789abcdef")))
                .isInstanceOf(WireException.class).hasMessageContaining("round 7 must be 0");
        assertThatThrownBy(() -> ReconciliationSalt.decode(HEX.parseHex("0100000000000123456789abcdef")))
                .isInstanceOf(WireException.class).hasMessageContaining("kind 0 is not 2");
        assertThatThrownBy(() -> ReconciliationSalt.decode(HEX.parseHex("0100000000020123456789abcd")))
                .as("short").isInstanceOf(WireException.class);
        assertThatThrownBy(() -> ReconciliationSalt.decode(HEX.parseHex("0100000000020123456789abcdef00")))
                .as("trailing bytes").isInstanceOf(WireException.class);
    }

    @Test
    void roundTrips() {
        PropertyRunner.tries(100).check(g -> {
            ReconciliationSketch s = new ReconciliationSketch(g.longs(0, 0xFFFF_FFFFL), g.choice(Kind.values()),
                    g.longs(0, 0xFFFF_FFFFL), g.bytes(4 * g.ints(1, ReconciliationSketch.MAX_CAPACITY)));
            assertThat(ReconciliationSketch.decode(s.encode())).isEqualTo(s);
            int[] asked = new int[g.ints(0, 50)];
            for (int i = 0; i < asked.length; i++) {
                asked[i] = (int) g.longs();
            }
            ReconciliationResponse r = new ReconciliationResponse(g.longs(0, 0xFFFF_FFFFL), Outcome.DECODED, g.ints(0, 5000), asked);
            assertThat(ReconciliationResponse.decode(r.encode())).isEqualTo(r);
        });
    }

    @Test
    void hostileBodiesAreWireErrors() {
        assertThatThrownBy(() -> ReconciliationSketch.decode(HEX.parseHex("02000000070000000003000206000000480000")))
                .isInstanceOf(WireException.class).hasMessageContaining("unsupported version 2");
        assertThatThrownBy(() -> ReconciliationSketch.decode(HEX.parseHex("0100000007020000000300010600000000")))
                .isInstanceOf(WireException.class).hasMessageContaining("unknown kind 2");
        assertThatThrownBy(() -> ReconciliationSketch.decode(HEX.parseHex("01000000070000000003ffff")))
                .isInstanceOf(WireException.class).hasMessageContaining("capacity 65535 is outside 1..1024");
        assertThatThrownBy(() -> ReconciliationSketch.decode(HEX.parseHex("010000000700000000030000")))
                .isInstanceOf(WireException.class).hasMessageContaining("capacity 0");
        assertThatThrownBy(() -> ReconciliationSketch.decode(HEX.parseHex("010000000700000000030002060000004800")))
                .isInstanceOf(WireException.class);
        assertThatThrownBy(() -> ReconciliationSketch.decode(HEX.parseHex("010000000700000000030001060000004800")))
                .as("trailing bytes").isInstanceOf(WireException.class);
        assertThatThrownBy(() -> ReconciliationResponse.decode(HEX.parseHex("0100000007000000000500ffffff")))
                .isInstanceOf(WireException.class).hasMessageContaining("count 16777215");
        assertThatThrownBy(() -> ReconciliationResponse.decode(HEX.parseHex("010000000701000000050000000100000001")))
                .as("asked ids with an extend outcome").isInstanceOf(WireException.class).hasMessageContaining("outside 0..0");
        assertThatThrownBy(() -> ReconciliationResponse.decode(HEX.parseHex("0100000007030000000500000000")))
                .isInstanceOf(WireException.class).hasMessageContaining("unknown outcome 3");
    }
}
