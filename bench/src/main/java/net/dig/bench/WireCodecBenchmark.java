package net.dig.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.wire.Message;
import net.dig.wire.NewTransaction;
import net.dig.wire.RequestPeers;
import net.dig.wire.RespondPeers;
import net.dig.wire.TimestampedPeerInfo;
import net.dig.wire.WireLimits;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode + decode of small messages through the full path: record → Streamable body → envelope
 * bytes → envelope → record. One operation = one message encoded and decoded. Bar (docs/architecture.md §5):
 * at least 1 M small messages per second per core.
 *
 * <p>Run: {@code java -jar bench/target/dig-bench.jar WireCodecBenchmark -f 1 -wi 2 -i 3 -t 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WireCodecBenchmark {
    private NewTransaction tx;
    private RespondPeers peers;
    private Message opaque;

    @Setup
    public void setup() {
        byte[] id = new byte[32];
        for (int i = 0; i < id.length; i++) {
            id[i] = (byte) (i * 7);
        }
        tx = new NewTransaction(Bytes32.wrap(id), 1_234_567, 89_000);
        List<TimestampedPeerInfo> list = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            list.add(new TimestampedPeerInfo("203.0.113." + i, 9444, 1_700_000_000L + i));
        }
        peers = new RespondPeers(list);
        opaque = Message.of(220, 0x1234, new byte[64]);
    }

    /** NewTransaction (48-byte body, 54-byte frame). */
    @Benchmark
    public NewTransaction newTransaction() {
        byte[] frame = tx.toMessage().encode();
        return Message.decode(frame, WireLimits.DEFAULT).body(WireLimits.DEFAULT, NewTransaction::decode);
    }

    /** RequestPeers with a request id (empty body, 8-byte frame). */
    @Benchmark
    public RequestPeers requestPeers() {
        byte[] frame = new RequestPeers().toMessage(7).encode();
        return Message.decode(frame, WireLimits.DEFAULT).body(WireLimits.DEFAULT, RequestPeers::decode);
    }

    /** Opaque DIG frame (type 220, 64-byte payload): envelope only. */
    @Benchmark
    public Message digEnvelope() {
        return Message.decode(opaque.encode(), WireLimits.DEFAULT);
    }

    /** RespondPeers with 10 entries (~270-byte body): a larger "small" message. */
    @Benchmark
    public RespondPeers respondPeers10() {
        byte[] frame = peers.toMessage().encode();
        return Message.decode(frame, WireLimits.DEFAULT).body(WireLimits.DEFAULT, RespondPeers::decode);
    }
}
