package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.NodeIdentity;
import net.dig.service.HandleNamespace;
import net.dig.service.HandleRegistration;
import net.dig.service.ServiceException;
import net.dig.storage.StorageEngine;
import net.dig.wire.NodePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One handle namespace on loopback: A, B and C run in a line (A - B - C). Before they connect, A and C each
 * register "clash" for their own datastore in the same second (a conflict made concurrently, as in a
 * partition), and A registers "site". Once connected, every node resolves both handles to the same record:
 * "site" to A's datastore, "clash" to the one record the rule picks (the smaller record id). D, started and
 * connected to C only afterwards, gets the set by the digest exchange and answers the same.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HandleNamespaceNetworkTest {
    private static final Duration BOUND = Duration.ofSeconds(40);
    @TempDir
    Path tmp;

    private static Bytes32 onlyDatastore(DigNodeCommand.NodeContext ctx) {
        try (StorageEngine e = StorageWiring.open(ctx, StorageWiring.identity(ctx), Clock.system())) {
            return e.datastores().getFirst().datastoreId();
        }
    }

    private static NodePayload.HandleRegistration register(NodeRuntime node, DigNodeCommand.NodeContext ctx, String label, long at) {
        NodeIdentity owner = StorageWiring.identity(ctx);
        HandleRegistration reg = new HandleRegistration(label, onlyDatastore(ctx), Optional.empty(), 4, at, at + 86_400, false,
                new TreeMap<>());
        return node.services().handles().register(reg, owner.sign(reg.signingBytes())).record().orElseThrow();
    }

    private static Optional<NodePayload.HandleRegistration> resolved(NodeRuntime node, String label) {
        try {
            return node.services().handles().resolve(label).record();
        } catch (ServiceException e) {
            return Optional.empty();
        }
    }

    private static void connect(NodeRuntime from, NodeRuntime to) throws Exception {
        from.tombstones().peers().connectTo(new InetSocketAddress("127.0.0.1", (int) to.facts().get("p2p_port")))
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void aHandleResolvesAlikeOnEveryNodeAndAConflictConvergesToOneWinner() throws Exception {
        List<DigNodeCommand.NodeContext> ctx = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            Path home = tmp.resolve(name);
            assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
            Files.createDirectories(tmp.resolve("src-" + name));
            new CliRun(home, Map.of()).addRandomFiles(tmp.resolve("src-" + name), 1, 50_000);
            ctx.add(OwnerDeletionTest.context(home));
        }
        List<NodeRuntime> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(NodeRuntime.start(ctx.get(i), StorageWiring.identity(ctx.get(i)), Clock.system()));
            }
            NodeRuntime a = nodes.get(0);
            NodeRuntime c = nodes.get(2);
            long now = System.currentTimeMillis() / 1000;
            NodePayload.HandleRegistration site = register(a, ctx.get(0), "site", now);
            NodePayload.HandleRegistration clashA = register(a, ctx.get(0), "clash", now);
            NodePayload.HandleRegistration clashC = register(c, ctx.get(2), "clash", now);
            NodePayload.HandleRegistration winner = clashA.id().compareTo(clashC.id()) < 0 ? clashA : clashC;
            assertThat(resolved(a, "clash")).contains(clashA);
            assertThat(resolved(c, "clash")).contains(clashC);

            connect(a, nodes.get(1));
            connect(nodes.get(1), c);
            for (NodeRuntime n : nodes) {
                await().atMost(BOUND).until(() -> resolved(n, "site").equals(Optional.of(site))
                        && resolved(n, "clash").equals(Optional.of(winner)));
                assertThat(n.services().handles().resolve("site").status()).isEqualTo(HandleNamespace.Status.PENDING);
            }

            nodes.add(NodeRuntime.start(ctx.get(3), StorageWiring.identity(ctx.get(3)), Clock.system()));
            NodeRuntime d = nodes.get(3);
            assertThat(resolved(d, "site")).isEmpty();
            connect(d, c);
            await().atMost(BOUND).until(() -> resolved(d, "site").equals(Optional.of(site))
                    && resolved(d, "clash").equals(Optional.of(winner)));
            assertThat(d.handles().received()).isGreaterThanOrEqualTo(3);
            for (NodeRuntime n : nodes) {
                assertThat(n.services().handles().digest().bucketHashes()).as("every node holds the same records")
                        .isEqualTo(a.services().handles().digest().bucketHashes());
            }
        } finally {
            for (NodeRuntime n : nodes.reversed()) {
                n.close();
            }
        }
    }
}
