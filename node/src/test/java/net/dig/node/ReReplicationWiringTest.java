package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.dig.core.Clock;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-replication on loopback: A holds a datastore, B and C replicate it (target 3), D joins once three nodes
 * hold it and takes no copy; C stops, the shared wall clock of the nodes moves past the DHT's 2 h record lifetime
 * (A and B republish, C cannot), and D, now seeing two holders, re-replicates the datastore through its fetch
 * staging and serves it byte-identical. The wall clock is the nodes' injected {@link Clock}; the monotonic reading
 * (timeouts, fetch stalls) is the machine's. The same re-replication by a child JVM killed with SIGKILL while it fetches
 * leaves nothing partial served and completes after restart.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReReplicationWiringTest {
    private static final String NETWORK = "rerep-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where the re-replicating child node is killed, run after run ({@link ReplicationWiring#KILL_AT}). */
    private static final List<String> KILL_POINTS = List.of("window:1", "window:2", "land:1", "landed:1");
    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong shift = new AtomicLong();
    private final Clock clock = new Clock() {
        @Override
        public long millis() {
            return System.currentTimeMillis() + shift.get();
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }
    };

    private NodeRuntime start(String name, List<Setting> extra) {
        Path home = tmp.resolve(name);
        if (!Files.exists(home.resolve("node.yaml"))) {
            assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        }
        List<Setting> settings = new ArrayList<>(List.of(
                new Setting("network.peer_connect_interval_secs", "1", "test"),
                new Setting("network.replication.target_holders", "3", "test"),
                new Setting("network.replication.rereplication_period_secs", "1", "test")));
        settings.addAll(extra);
        return LoopbackRuntimes.startInitialised(home, NETWORK, clock, settings);
    }

    private static List<Setting> bootstrapTo(NodeRuntime... to) {
        StringBuilder b = new StringBuilder();
        for (NodeRuntime n : to) {
            b.append(b.isEmpty() ? "" : ",").append("127.0.0.1:").append(n.facts().get("p2p_port"));
        }
        return List.of(new Setting("network.bootstrap_nodes", b.toString(), "test"));
    }

    private HttpResponse<byte[]> get(NodeRuntime n, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.facts().get("api_port") + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private boolean holds(NodeRuntime n, String id) throws Exception {
        return get(n, "/datastore/" + id + "/manifest").statusCode() == 200;
    }

    private static com.fasterxml.jackson.databind.JsonNode details(String logLine) {
        try {
            return JSON.readTree(logLine).get("details");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A datastore of {@code data} added on A's home (A stopped); its id. */
    private String addedOnA(byte[] data) throws Exception {
        Path file = Files.write(tmp.resolve("rerep.bin"), data);
        CliRun a0 = new CliRun(tmp.resolve("a"), Map.of());
        assertThat(a0.run("init").code()).isZero();
        CliRun.Result added = a0.run("datastore", "add", file.toString(), "--capsule-size", "256KiB", "--json",
                "--compression", "none", "--name", "rerep");
        assertThat(added.code()).as(added.err()).isZero();
        return JSON.readTree(added.out()).get("datastore_id").asText();
    }

    /**
     * B and C take A's datastore, then a node that takes nothing (E, returned) answers every holder's offer, so no
     * holder offers the version to a newcomer (ordinary push replication): a node started after this can only get
     * its copy by re-replication.
     */
    private NodeRuntime heldByThreeAndOfferedToNoNewcomer(NodeRuntime a, NodeRuntime b, NodeRuntime c, String id) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> holds(b, id) && holds(c, id));
        net.dig.core.Bytes32 key = net.dig.core.Bytes32.fromHex(id);
        List<Setting> refusing = new ArrayList<>(bootstrapTo(a, b, c));
        refusing.add(new Setting("network.replication.enabled", "false", "test"));
        long version = a.services().datastores().manifest(key).orElseThrow().version().version();
        NodeRuntime e = start("e", refusing);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                a.replication.offered(key, version) && b.replication.offered(key, version) && c.replication.offered(key, version));
        return e;
    }

    /** A, B and C holding a datastore, and E, which answered their offers ({@link #heldByThreeAndOfferedToNoNewcomer}). */
    private record HeldByThree(NodeRuntime a, NodeRuntime b, NodeRuntime c, NodeRuntime e) implements AutoCloseable {
        @Override
        public void close() {
            for (NodeRuntime n : java.util.Arrays.asList(e, c, b, a)) {
                if (n != null) {
                    n.close();
                }
            }
        }
    }

    /** A with A's datastore {@code id}, B and C replicating it, then E ({@link #heldByThreeAndOfferedToNoNewcomer}). */
    private HeldByThree heldByThree(String id) {
        NodeRuntime a = start("a", List.of());
        NodeRuntime b = null;
        NodeRuntime c = null;
        try {
            b = start("b", bootstrapTo(a));
            c = start("c", bootstrapTo(a, b));
            return new HeldByThree(a, b, c, heldByThreeAndOfferedToNoNewcomer(a, b, c, id));
        } catch (RuntimeException | Error failed) {
            new HeldByThree(a, b, c, null).close();
            throw failed;
        }
    }

    @Test
    void anArchiveNodeThatJoinsLateTakesACopyOfADatastoreThatHasItsTargetOfHoldersAlready() throws Exception {
        byte[] data = new byte[3 * 262_144 + 5];
        new SplittableRandom(66).nextBytes(data);
        String id = addedOnA(data);
        try (HeldByThree held = heldByThree(id)) {
            assertThat(holds(held.e(), id)).isFalse();
            List<Setting> archive = new ArrayList<>(bootstrapTo(held.a(), held.b(), held.c()));
            archive.add(new Setting("node.mode", "archive", "test"));
            try (NodeRuntime d = start("d", archive)) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> holds(d, id));
                await().atMost(Duration.ofSeconds(30)).until(() -> d.rereplication.landed() >= 1);
                assertThat(d.rereplication.landed()).isEqualTo(1);
                assertThat(get(d, "/datastore/" + id + "/file/rerep.bin").body()).isEqualTo(data);
                // the copy was taken from peers: a mode that keeps nothing evicts it
                d.replication.usePolicy(net.dig.service.HoldingPolicy.declining("cache"));
                assertThat(d.replication.reviewHoldings()).extracting(net.dig.service.HoldingReview.Evicted::datastoreId)
                        .containsExactly(net.dig.core.Bytes32.fromHex(id));
                assertThat(holds(d, id)).isFalse();
            }
        }
    }

    @Test
    void whenOneOfThreeHoldersLeavesTheFourthNodeReplicatesTheDatastoreAndServesItByteIdentical() throws Exception {
        byte[] data = new byte[6 * 262_144 - 77];
        new SplittableRandom(65).nextBytes(data);
        String id = addedOnA(data);

        try (NodeRuntime a = start("a", List.of());
             NodeRuntime b = start("b", bootstrapTo(a));
             NodeRuntime c = start("c", bootstrapTo(a, b))) {
            net.dig.core.Bytes32 key = net.dig.core.Bytes32.fromHex(id);
            try (NodeRuntime e = heldByThreeAndOfferedToNoNewcomer(a, b, c, id)) {
                assertThat(holds(e, id)).isFalse();
                try (NodeRuntime d = start("d", bootstrapTo(a, b, c))) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> d.nodeMessages.directory().size() >= 3);
                    long seen = d.rereplication.rounds();
                    await().atMost(Duration.ofSeconds(60)).until(() -> d.rereplication.rounds() >= seen + 5);
                    assertThat(holds(d, id)).as("three holders: D takes no copy (re-replications landed: %d, replication fetching: %s)",
                            d.rereplication.landed(), d.replication.fetching(net.dig.core.Bytes32.fromHex(id)).isPresent()).isFalse();
                    assertThat(d.rereplication.landed()).isZero();

                    c.close();
                    shift.addAndGet(Duration.ofHours(2).plusMinutes(5).toMillis());
                    int[] seenRunning = {0};
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> {
                        boolean running = d.rereplication.fetching(key).map(s -> s.outcome().isEmpty()).orElse(false);
                        if (running) {
                            // while the fetch runs, nothing of it is listed or served
                            assertThat(get(d, "/capsule/" + id + "/0").statusCode()).isNotEqualTo(200);
                            seenRunning[0]++;
                            return false;
                        }
                        return holds(d, id);
                    });
                    // the service counts a landed fetch at its next round, after the store already serves it
                    await().atMost(Duration.ofSeconds(30)).until(() -> d.rereplication.landed() >= 1);
                    assertThat(d.rereplication.landed()).isEqualTo(1);
                    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                    for (int i = 0; i < 6; i++) {
                        HttpResponse<byte[]> capsule = get(d, "/capsule/" + id + "/" + i);
                        assertThat(capsule.statusCode()).isEqualTo(200);
                        all.write(capsule.body());
                    }
                    assertThat(all.toByteArray()).isEqualTo(data);
                }
            }
        }
    }

    /**
     * The fourth node is a {@code dig-node start} child JVM in archive mode ({@link ChildNode}), first started once C
     * is gone and its records expired (its wall clock moved with the others' through {@link StartCommand#CLOCK_OFFSET}),
     * so it sees two holders of three and re-replicates. It is killed with SIGKILL at each of {@link #KILL_POINTS}
     * ({@link ReplicationWiring#KILL_AT}) and started again. While it runs, nothing partial is listed or served (every
     * capsule probed as it comes up, with its staging area from the last run on disk, then one at random); after each
     * kill its store lists the datastore only once the version landed, and {@code plot verify} is clean; in the end it
     * serves the datastore byte-identical and keeps no staging area.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void anArchiveNodeKilledDuringReReplicationServesNothingPartialAndCompletesAfterRestart() throws Exception {
        int count = 24;
        byte[] data = new byte[count * 262_144 - 321];
        new SplittableRandom(67).nextBytes(data);
        String id = addedOnA(data);
        try (HeldByThree held = heldByThree(id)) {
            assertThat(holds(held.e(), id)).isFalse();
            List<byte[]> capsules = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                capsules.add(get(held.a(), "/capsule/" + id + "/" + i).body());
            }
            held.c().close();
            shift.addAndGet(Duration.ofHours(2).plusMinutes(5).toMillis());
            Path home = tmp.resolve("d");
            CliRun cli = new CliRun(home, Map.of());
            assertThat(cli.run("init").code()).isZero();
            List<String> settings = List.of("network.network_id=" + NETWORK, "network.peer_connect_interval_secs=1",
                    "network.replication.target_holders=3", "network.replication.rereplication_period_secs=1",
                    "node.mode=archive",
                    "network.bootstrap_nodes=" + bootstrapTo(held.a(), held.b()).getFirst().value());
            SplittableRandom probe = new SplittableRandom(68);
            int run = 0;
            for (String point : KILL_POINTS) {
                ChildNode d = ChildNode.start(tmp, "d" + run, home, Map.of(StartCommand.CLOCK_OFFSET, Long.toString(shift.get()),
                        ReplicationWiring.KILL_AT, point), settings);
                boolean[] probedAll = {false};
                try {
                    await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(20)).until(() -> {
                        if (!probedAll[0] && Files.exists(d.ready())) {
                            for (int i = 0; i < count; i++) {
                                d.checkNothingPartial(id, capsules, i);
                            }
                            probedAll[0] = true;
                        }
                        d.checkNothingPartial(id, capsules, probe.nextInt(count));
                        return !d.process().isAlive();
                    });
                } finally {
                    d.kill();
                }
                assertThat(d.process().exitValue()).as("killed at %s; log: %s", point, d.tail()).isEqualTo(137);
                String log = Files.readString(d.log());
                assertThat(log).contains("\"kill_point\"");
                if (run++ == 0) {
                    assertThat(log.lines().filter(l -> l.contains("\"rereplication_fetch_began\"")).map(ReReplicationWiringTest::details)
                            .map(f -> f.get("datastore_id").asText() + " from " + f.get("holders").asInt()).toList())
                            .as("the first run's fetch is a re-replication of a datastore with two holders")
                            .isNotEmpty().containsOnly(id + " from 2");
                }
                CliRun.Result listed = cli.run("datastore", "list", "--json");
                assertThat(listed.code()).as(listed.err()).isZero();
                assertThat(JSON.readTree(listed.out()).findValuesAsText("datastore_id")).as("listed after the kill at %s", point)
                        .isEqualTo(point.startsWith("landed:") ? List.of(id) : List.of());
                CliRun.Result verify = cli.run("plot", "verify");
                assertThat(verify.code()).as("plot verify after the kill at %s: %s %s", point, verify.out(), verify.err()).isZero();
            }

            ChildNode d = ChildNode.start(tmp, "d-final", home, Map.of(StartCommand.CLOCK_OFFSET, Long.toString(shift.get())), settings);
            try {
                d.awaitReady();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    d.checkNothingPartial(id, capsules, probe.nextInt(count));
                    return d.get("/datastore/" + id + "/manifest").statusCode() == 200;
                });
                for (int i = 0; i < count; i++) {
                    assertThat(d.getBytes("/capsule/" + id + "/" + i).body()).as("capsule %d", i).isEqualTo(capsules.get(i));
                }
                assertThat(d.getBytes("/datastore/" + id + "/file/rerep.bin").body()).isEqualTo(data);
            } finally {
                d.stop();
            }
            CliRun.Result verify = cli.run("plot", "verify");
            assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
            assertThat(home.resolve("fetch")).as("staging areas left").isEmptyDirectory();
        }
    }
}
