package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import net.dig.gossip.DhtMessage;
import net.dig.wire.WireException;

/**
 * Fuzz target for the body of an opcode-241 {@code DIG_DHT} frame, the one DHT input a peer controls. The
 * contract under test: {@link DhtCodec#decode} returns a message or throws {@link WireException}; a decoded
 * message encodes to bytes that decode to the same message; the signature check of any record it carries
 * answers without throwing; and decoding allocates no more than a small multiple of the body (a peer's
 * declared counts and lengths never size an allocation).
 *
 * <p>The allocation is measured on a second decode of the same body: the first one also loads and links
 * classes, which the JVM counts against the thread. Without {@code JAZZER_FUZZ} this runs once per saved
 * input under {@code DhtFuzzTestInputs/} (the DHT golden vectors, two malformed bodies and the corpus of the
 * recorded run, {@code corpus-*});
 * {@code bench/scripts/fuzz.sh net/DhtFuzzTest#body} runs it coverage-guided (docs/fuzzing.md).
 */
class DhtFuzzTest {
    /** Bytes a decode may allocate per body byte, over a fixed allowance for the message objects. */
    private static final long BYTES_PER_INPUT_BYTE = 16;
    private static final long FIXED_ALLOWANCE = 64 * 1024;
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FuzzTest
    void body(byte[] body) {
        DhtMessage message;
        try {
            message = DhtCodec.decode(body);
        } catch (WireException refused) {
            return;
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        DhtMessage again = DhtCodec.decode(body);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(again).isEqualTo(message);
        assertThat(allocated).as("bytes allocated decoding a %d-byte body", body.length)
                .isLessThanOrEqualTo(FIXED_ALLOWANCE + BYTES_PER_INPUT_BYTE * body.length);

        assertThat(DhtCodec.decode(DhtCodec.encode(message))).isEqualTo(message);
        switch (message) {
            case DhtMessage.AddProvider a -> DhtRecordKeys.verify(a.record());
            case DhtMessage.Providers p -> p.providers().forEach(DhtRecordKeys::verify);
            default -> { }
        }
    }
}
