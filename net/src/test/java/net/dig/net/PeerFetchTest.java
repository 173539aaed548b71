package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import net.dig.gossip.PeerId;
import net.dig.gossip.PenaltyReason;
import net.dig.service.FetchDriver;
import net.dig.service.FetchResponse;
import net.dig.service.FetchSession;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fetch over the peer network: real mTLS on loopback, real stores. 16 MiB capsules travel in 1 MiB
 * windows as signed 240 requests and replies; a provider that flips one byte of its windows is penalised
 * and dropped, and the fetch completes from the honest one, byte for byte.
 */
@Timeout(120)
class PeerFetchTest {
    private static final int MIB = StoreNodes.MIB;
    @TempDir Path dir;
    private StoreNodes nodes;
    private final ExecutorService drivers = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void tearDown() {
        drivers.shutdownNow();
        if (nodes != null) {
            nodes.close();
        }
    }

    private FetchSession<PeerId> fetch(StoreNodes.Node at, DatastoreVersion v, List<PeerId> providers) {
        NetPeerLink link = new NetPeerLink(at.gossip.handle(), at.messaging);
        FetchSession<PeerId> session = at.fetches.begin(v, providers, link);
        FetchDriver<PeerId> driver = FetchDriver.of(session, drivers, nodes.clock);
        link.deliverTo(driver::onResponse);
        driver.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> session.outcome().isPresent());
        return session;
    }

    @Test
    void sixteenMibCapsulesArriveByteIdenticalAndAByteFlippingProviderIsPenalisedWhileTheOtherFinishes() throws Exception {
        nodes = new StoreNodes(dir);
        AtomicBoolean flip = new AtomicBoolean();
        AtomicInteger flipped = new AtomicInteger();
        StoreNodes.Node a = nodes.start("a", 1);
        StoreNodes.Node b = nodes.start("b", 2, (r, honest) -> honest, false);
        StoreNodes.Node c = nodes.start("c", 3, (r, honest) -> {
            if (flip.get() && honest instanceof FetchResponse.Window w && w.data().length > 0) {
                byte[] bad = w.data().clone();
                bad[bad.length / 2] ^= 0x01;
                flipped.incrementAndGet();
                return new FetchResponse.Window(w.requestId(), w.capsuleIndex(), w.offset(), bad, w.prologue());
            }
            return honest;
        }, false);
        byte[] data = StoreNodes.content(2 * 16 * MIB + 300_000, 7);
        Manifest m = a.ingest(data, 16 * MIB);
        Bytes32 id = m.datastoreId();
        assertThat(m.capsules()).hasSize(3);

        nodes.connect(c, a);
        FetchSession<PeerId> first = fetch(c, m.version(), List.of(a.peerId()));
        assertThat(first.outcome().orElseThrow().state()).isEqualTo(FetchSession.State.LANDED);
        assertThat(first.windowsFrom().get(a.peerId())).as("16 + 16 + 1 windows of 1 MiB").isEqualTo(33);
        assertThat(c.bytesOf(id)).isEqualTo(data);

        nodes.connect(b, a);
        nodes.connect(b, c);
        flip.set(true);
        FetchSession<PeerId> second = fetch(b, m.version(), List.of(a.peerId(), c.peerId()));

        assertThat(second.outcome().orElseThrow().state()).isEqualTo(FetchSession.State.LANDED);
        assertThat(b.engine.manifest(id).orElseThrow().encode()).isEqualTo(a.engine.manifest(id).orElseThrow().encode());
        assertThat(b.bytesOf(id)).isEqualTo(data);
        assertThat(b.engine.verify(java.util.Optional.empty(), Progress.none()).ok()).isTrue();
        assertThat(flipped.get()).as("C was asked and lied").isPositive();
        assertThat(second.windowsFrom()).doesNotContainKey(c.peerId());
        assertThat(b.gossip.reputationOf(c.peerId()).penaltyPoints() >= PenaltyReason.INVALID_BLOCK.points()
                || b.gossip.reputationOf(c.peerId()).banned()).as("C penalised for the flipped byte").isTrue();
        assertThat(b.gossip.reputationOf(a.peerId()).penaltyPoints()).isZero();
    }
}
