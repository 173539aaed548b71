package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.dig.gossip.PenaltyReason;
import net.dig.gossip.Verdict;
import net.dig.testkit.ManualClock;
import net.dig.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A validator registered for a type that does not travel by Plumtree decides about that type's direct
 * messages before any handler sees them: ACCEPT delivers, IGNORE drops, REJECT drops and penalises; while a
 * verdict is pending the connection is not read, so what follows is not delivered ahead of it.
 */
@Timeout(60)
class DirectValidationTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    // request_transaction / respond_transaction: not Plumtree-routed, and rate rows roomy enough for a test
    private static final int TYPE = 22;
    private static final int OTHER = 23;
    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestNodes nodes;

    @BeforeEach
    void setUp() {
        nodes = new TestNodes(dir, clock);
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    @Test
    void verdictsDecideDeliveryAndAPendingOneHoldsTheConnectionsOrder() throws Exception {
        GossipService a = nodes.start();
        GossipService b = nodes.start();
        List<CompletableFuture<Verdict>> pending = new CopyOnWriteArrayList<>();
        b.handle().registerValidator(TYPE, (from, m) -> switch (m.data()[0]) {
            case 1 -> CompletableFuture.completedFuture(Verdict.ACCEPT);
            case 2 -> CompletableFuture.completedFuture(Verdict.IGNORE);
            case 3 -> CompletableFuture.completedFuture(Verdict.reject(PenaltyReason.PROTOCOL_VIOLATION));
            default -> {
                CompletableFuture<Verdict> later = new CompletableFuture<>();
                pending.add(later);
                yield later;
            }
        });
        List<Integer> delivered = new CopyOnWriteArrayList<>();
        b.handle().subscribe(t -> t == TYPE || t == OTHER, (from, m) -> {
            delivered.add(m.type() == TYPE ? m.data()[0] : 100 + m.data()[0]);
            return CompletableFuture.completedFuture(null);
        });
        a.handle().connectTo(TestNodes.loopback(b)).get(BOUND.toSeconds(), TimeUnit.SECONDS);

        for (int kind : new int[] {1, 2, 3}) {
            a.handle().sendTo(b.peerId(), Message.of(TYPE, new byte[] {(byte) kind})).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
        a.handle().sendTo(b.peerId(), Message.of(OTHER, new byte[] {1})).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await().atMost(BOUND).until(() -> delivered.contains(101));
        assertThat(delivered).containsExactly(1, 101);
        assertThat(b.reputationOf(a.peerId()).penaltyPoints()).isEqualTo(PenaltyReason.PROTOCOL_VIOLATION.points());

        // a pending verdict: the unvalidated type sent after it waits for it
        a.handle().sendTo(b.peerId(), Message.of(TYPE, new byte[] {9})).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        a.handle().sendTo(b.peerId(), Message.of(OTHER, new byte[] {2})).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await().atMost(BOUND).until(() -> pending.size() == 1);
        assertThat(delivered).containsExactly(1, 101);
        pending.getFirst().complete(Verdict.ACCEPT);
        await().atMost(BOUND).until(() -> delivered.contains(102));
        assertThat(delivered).containsExactly(1, 101, 9, 102);
    }
}
