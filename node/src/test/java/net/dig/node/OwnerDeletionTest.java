package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.node.ConfigLoader.Setting;
import net.dig.service.CapsuleParts;
import net.dig.service.ManifestCodec;
import net.dig.service.NodeServices;
import net.dig.storage.CapsuleInfo;
import net.dig.storage.Compression;
import net.dig.storage.Manifest;
import net.dig.storage.StorageEngine;
import net.dig.wire.NodePayload.DatastoreTombstone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owner deletion everywhere: four running nodes in a line (owner A - B - C - D) each hold the same version
 * of A's datastore (copied into each home through the service layer); a tombstone that is not the owner's
 * deletes nothing, costs its sender and travels no further; A deletes, and the datastore is gone from every
 * node, the tombstone having gone hop by hop, and each node's eviction reached its neighbours as a holdings
 * Remove.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OwnerDeletionTest {
    private static final String NETWORK = "testnet11";
    private static final Duration BOUND = Duration.ofSeconds(40);
    @TempDir
    Path tmp;

    /** A node home's context on loopback with ephemeral ports, on the test network. */
    static DigNodeCommand.NodeContext context(Path home) {
        return new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(), List.of(
                        new Setting("api.listen_address", "127.0.0.1:0", "test"),
                        new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"),
                        new Setting("network.listen_address", "127.0.0.1:0", "test"),
                        new Setting("network.network_id", NETWORK, "test"))), Optional.empty());
    }

    /** Copies {@code id} from {@code from}'s home into {@code to}'s through DatastoreService.store. */
    private void copy(DigNodeCommand.NodeContext from, DigNodeCommand.NodeContext to, Bytes32 id, Path scratch) throws Exception {
        try (StorageEngine source = StorageWiring.open(from, StorageWiring.identity(from), Clock.system())) {
            Manifest m = source.manifest(id).orElseThrow();
            Map<Integer, Path> parts = new HashMap<>();
            Files.createDirectories(scratch);
            for (CapsuleInfo ci : m.capsules()) {
                Path p = scratch.resolve("capsule-" + ci.index());
                Files.write(p, source.readCapsule(id, ci.index()));
                parts.put(ci.index(), p);
            }
            NodeIdentity toId = StorageWiring.identity(to);
            try (StorageEngine target = StorageWiring.open(to, toId, Clock.system());
                 NodeServices services = NodeServices.open(target, toId, Clock.system(), new NodeServices.Settings(1 << 20,
                         scratch.resolve("l2"), 1 << 20, scratch.resolve("handles.sqlite")))) {
                services.datastores().store(new ManifestCodec.Decoded(m.version(), m.name(), m.capsules(), m.files()),
                        CapsuleParts.files(parts), Compression.NONE);
            }
        }
    }

    private static Bytes32 onlyDatastore(DigNodeCommand.NodeContext ctx) {
        try (StorageEngine e = StorageWiring.open(ctx, StorageWiring.identity(ctx), Clock.system())) {
            return e.datastores().getFirst().datastoreId();
        }
    }

    private static boolean holds(DigNodeCommand.NodeContext ctx, Bytes32 id) {
        try (StorageEngine e = StorageWiring.open(ctx, StorageWiring.identity(ctx), Clock.system())) {
            return e.manifest(id).isPresent();
        }
    }

    @Test
    void theOwnersDeleteReachesEveryNodeAndAForgedOneDeletesNothing() throws Exception {
        List<DigNodeCommand.NodeContext> ctx = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            Path home = tmp.resolve(name);
            assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
            ctx.add(context(home));
        }
        new CliRun(tmp.resolve("a"), Map.of()).addRandomFiles(tmp, 2, 300_000);
        Bytes32 id = onlyDatastore(ctx.get(0));
        for (int i = 1; i < 4; i++) {
            copy(ctx.get(0), ctx.get(i), id, tmp.resolve("copy-" + i));
            assertThat(holds(ctx.get(i), id)).isTrue();
        }

        List<NodeRuntime> nodes = new ArrayList<>();
        try {
            for (DigNodeCommand.NodeContext c : ctx) {
                nodes.add(NodeRuntime.start(c, StorageWiring.identity(c), Clock.system()));
            }
            for (int i = 0; i < 3; i++) {
                int port = (int) nodes.get(i + 1).facts().get("p2p_port");
                nodes.get(i).tombstones().peers().connectTo(new InetSocketAddress("127.0.0.1", port)).get(30, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 4; i++) {
                int expected = i == 0 || i == 3 ? 1 : 2;
                NodeRuntime n = nodes.get(i);
                // at least its line neighbours: the DHT may dial further nodes its lookups name
                await().atMost(BOUND).until(() -> n.tombstones().peers().peerCount().get() >= expected);
            }

            // every node announced its holdings to its neighbours after the handshake (222)
            NodeRuntime bNode = nodes.get(1);
            await().atMost(BOUND).until(() -> bNode.holdings().connectedHolders(id).size() >= 2);

            // B (not the owner) tries to delete A's datastore everywhere: refused at home, nothing sent
            NodeRuntime b = nodes.get(1);
            assertThat(b.tombstones().delete(id)).failsWithin(BOUND).withThrowableThat()
                    .withMessageContaining("belongs to another owner key");
            // B sends C a tombstone signed with its own key: C keeps the datastore and penalises B
            DatastoreTombstone forged = DatastoreTombstone.signed(id, 1, System.currentTimeMillis() / 1000, StorageWiring.identity(ctx.get(1)));
            PeerIdHolder c = new PeerIdHolder(nodes.get(2));
            sendNodeMessage(b, c, forged);
            await().atMost(BOUND).until(() -> nodes.get(2).tombstones().refused() == 1);
            assertThat(nodes.get(3).tombstones().deleted()).isZero();

            // the owner deletes: gone here at once, and at B, C and D (hop by hop, or directly over a DHT connection)
            assertThat(nodes.get(0).tombstones().delete(id).get(30, TimeUnit.SECONDS)).as("peers the tombstone went to").isGreaterThanOrEqualTo(1);
            for (int i = 1; i < 4; i++) {
                NodeRuntime n = nodes.get(i);
                await().atMost(BOUND).until(() -> n.tombstones().deleted() == 1);
            }
            // each eviction was announced as a Remove: B's neighbours no longer hold it
            await().atMost(BOUND).until(() -> bNode.holdings().connectedHolders(id).isEmpty());
        } finally {
            for (NodeRuntime n : nodes.reversed()) {
                n.close();
            }
        }
        for (DigNodeCommand.NodeContext c : ctx) {
            assertThat(holds(c, id)).as(c.home().dir().toString()).isFalse();
        }
    }

    @Test
    void theCliDeleteOnTheOwnersStoppedNodeIsSentWhenItRuns() throws Exception {
        DigNodeCommand.NodeContext a = null;
        DigNodeCommand.NodeContext b = null;
        for (String name : List.of("a", "b")) {
            Path home = tmp.resolve(name);
            assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
            if (a == null) {
                a = context(home);
            } else {
                b = context(home);
            }
        }
        new CliRun(tmp.resolve("a"), Map.of()).addRandomFiles(tmp, 1, 100_000);
        Bytes32 id = onlyDatastore(a);
        copy(a, b, id, tmp.resolve("copy"));
        CliRun.Result deleted = new CliRun(tmp.resolve("a"), Map.of()).run("datastore", "delete", id.toHex());
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted everywhere");
        assertThat(holds(a, id)).isFalse();
        assertThat(holds(b, id)).isTrue();

        try (NodeRuntime nodeA = NodeRuntime.start(a, StorageWiring.identity(a), Clock.system());
             NodeRuntime nodeB = NodeRuntime.start(b, StorageWiring.identity(b), Clock.system())) {
            nodeA.tombstones().peers().connectTo(new InetSocketAddress("127.0.0.1", (int) nodeB.facts().get("p2p_port")))
                    .get(30, TimeUnit.SECONDS);
            await().atMost(BOUND).until(() -> nodeB.tombstones().deleted() == 1);
        }
        assertThat(holds(b, id)).isFalse();
    }

    private record PeerIdHolder(NodeRuntime node) {
        net.dig.gossip.PeerId peerId() {
            return net.dig.gossip.PeerId.parse((String) node.facts().get("peer_id"));
        }
    }

    private static void sendNodeMessage(NodeRuntime from, PeerIdHolder to, DatastoreTombstone payload) throws Exception {
        from.tombstones().messages().send(to.peerId(), payload).get(30, TimeUnit.SECONDS);
    }
}
