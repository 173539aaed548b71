package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Progress;
import net.dig.service.CapsuleParts;
import net.dig.service.ManifestCodec;
import net.dig.service.ReplicationService;
import net.dig.storage.Compression;
import net.dig.storage.DatastoreVersion;
import net.dig.storage.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push propagation across five nodes in a chain A-B-C-D-E (real mTLS on loopback, real SQLite stores), plus
 * F hanging off C with replication turned off. A datastore added on A hops node by node (each node offers
 * only what it landed and verified) until E holds it byte for byte; F declines and never holds it. A newer
 * signed version pushed to A supersedes it everywhere; the older one offered again is refused as stale.
 */
@Timeout(180)
class ChainReplicationTest {
    private static final int CAPSULE = 262_144;
    private static final Duration BOUND = Duration.ofSeconds(60);
    @TempDir Path dir;
    private StoreNodes nodes;

    @AfterEach
    void tearDown() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aVersionAddedOnAReachesEveryReplicatingNodeOfTheChainAndANewerOneSupersedesEverywhere() throws Exception {
        nodes = new StoreNodes(dir);
        StoreNodes.Node a = nodes.start("a", 1);
        StoreNodes.Node b = nodes.start("b", 2);
        StoreNodes.Node c = nodes.start("c", 3);
        StoreNodes.Node d = nodes.start("d", 4);
        StoreNodes.Node e = nodes.start("e", 5);
        StoreNodes.Node f = nodes.start("f", 6, (r, honest) -> honest, false);
        nodes.connect(b, a);
        nodes.connect(c, b);
        nodes.connect(d, c);
        nodes.connect(e, d);
        nodes.connect(f, c);
        List<StoreNodes.Node> replicas = List.of(b, c, d, e);

        byte[] v1Data = StoreNodes.content(8 * CAPSULE + 5000, 11);
        Manifest v1 = a.ingest(v1Data, CAPSULE);
        Bytes32 id = v1.datastoreId();
        for (StoreNodes.Node n : replicas) {
            await().atMost(BOUND).until(() -> n.versionOf(id) == 1);
            assertThat(n.bytesOf(id)).isEqualTo(v1Data);
            assertThat(n.engine.manifest(id).orElseThrow().encode()).isEqualTo(v1.encode());
            assertThat(n.engine.verify(Optional.empty(), Progress.none()).ok()).isTrue();
        }
        ReplicationService.Propagation fromA = a.replication.announced(id, 1).orElseThrow().get(20, TimeUnit.SECONDS);
        assertThat(fromA.acceptedBy()).containsExactly(b.peerId().toHex());
        assertThat(fromA.freeBytes()).isEqualTo((1L << 39) - v1.version().totalSize());
        // B had fetched nothing before: its estimate is the total size at the initial rate, from the frozen clock
        assertThat(fromA.storedByMillis()).isEqualTo(nodes.clock.millis()
                + (long) Math.ceil(v1.version().totalSize() * 1000.0 / (8 << 20)));
        // E heard of it from D only: it was offered to nobody further (its one peer already holds it)
        await().atMost(BOUND).until(() -> e.replication.announced(id, 1).map(x -> x.isDone()).orElse(false));
        assertThat(e.replication.announced(id, 1).orElseThrow().join().acceptedBy()).isEmpty();
        // F opted out: C's offer was declined and F holds nothing
        ReplicationService.Propagation fromC = c.replication.announced(id, 1).orElseThrow().get(20, TimeUnit.SECONDS);
        assertThat(fromC.acceptedBy()).containsExactly(d.peerId().toHex());
        assertThat(f.engine.manifest(id)).isEmpty();

        // version 2, other content, pushed to A as POST /datastore/push would
        byte[] v2Data = StoreNodes.content(5 * CAPSULE + 77, 12);
        Manifest scratch = f.ingest(v2Data, CAPSULE);
        DatastoreVersion s = scratch.version();
        DatastoreVersion v2 = DatastoreVersion.signed(v1.version().nonce(), 2, s.merkleRoot(), s.capsuleCount(), s.totalSize(),
                s.capsuleSize(), s.creationTime(), scratch.name(), scratch.files(), StoreNodes.OWNER);
        Map<Integer, Path> parts = new HashMap<>();
        for (int i = 0; i < scratch.capsules().size(); i++) {
            Path p = dir.resolve("part-" + i);
            Files.write(p, f.engine.readCapsule(scratch.datastoreId(), i));
            parts.put(i, p);
        }
        a.services.datastores().store(new ManifestCodec.Decoded(v2, scratch.name(), scratch.capsules(), scratch.files()),
                CapsuleParts.files(parts), Compression.NONE);
        for (StoreNodes.Node n : replicas) {
            await().atMost(BOUND).until(() -> n.versionOf(id) == 2);
            assertThat(n.bytesOf(id)).isEqualTo(v2Data);
            assertThat(n.engine.manifest(id).orElseThrow().version()).isEqualTo(v2);
        }
        assertThat(f.engine.manifest(id)).isEmpty();

        // the older version offered again: refused with a typed reason, nothing changes
        ReplicationService.Reply stale = a.transport.offer(b.peerId(), v1.version(), v1.name()).get(20, TimeUnit.SECONDS);
        assertThat(stale.accepted()).isFalse();
        assertThat(stale.reason()).isEqualTo("STALE_VERSION");
        ReplicationService.Reply same = a.transport.offer(b.peerId(), v2, scratch.name()).get(20, TimeUnit.SECONDS);
        assertThat(same.accepted()).isFalse();
        assertThat(same.reason()).isEqualTo(ReplicationService.Decline.ALREADY_HELD.name());
        ReplicationService.Reply optedOut = c.transport.offer(f.peerId(), v2, scratch.name()).get(20, TimeUnit.SECONDS);
        assertThat(optedOut.reason()).isEqualTo(ReplicationService.Decline.OPTED_OUT.name());
        for (StoreNodes.Node n : replicas) {
            assertThat(n.versionOf(id)).isEqualTo(2);
        }
    }
}
