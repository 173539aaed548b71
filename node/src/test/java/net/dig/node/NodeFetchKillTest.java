package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole fetching node killed with SIGKILL while it replicates a datastore over the peer network, at
 * seeded points, then started again, each time: provider A and fetcher B are {@code dig-node start}
 * child JVMs with their own homes (ports chosen by the system on 127.0.0.1, read back from the ready
 * file). A offers a datastore of several capsules added while it was stopped; B accepts and fetches it.
 * B dies at the point its run is given ({@link ReplicationWiring#KILL_AT}: after its k-th staged window,
 * before storing, after storing), and its next start resumes from the staging area. While B runs, nothing
 * partial is listed ({@code /node/status} counts no datastore) or served (a capsule is 404 or 503 until
 * the version landed, and byte-identical once served); after each kill {@code plot verify} is clean. In
 * the end B serves the datastore byte-identical and keeps no staging area.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NodeFetchKillTest {
    private static final long SEED = 20261202L;
    private static final int CAPSULES = 24;
    private static final int CAPSULE = 262_144;
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record Node(Process process, Path ready, Path log) {
        int port(String name) throws IOException {
            return JSON.readTree(Files.readString(ready)).get(name).asInt();
        }
    }

    @Test
    void aFetchingNodeKilledAtSeededPointsResumesAndEndsByteIdenticalWithNothingPartialSeen() throws Exception {
        Path homeA = tmp.resolve("a");
        Path homeB = tmp.resolve("b");
        CliRun a = new CliRun(homeA, Map.of());
        assertThat(a.run("init").code()).isZero();
        assertThat(new CliRun(homeB, Map.of()).run("init").code()).isZero();
        byte[] data = new byte[CAPSULES * CAPSULE - 1234];
        new SplittableRandom(SEED).nextBytes(data);
        Path file = Files.write(tmp.resolve("kill.bin"), data);
        CliRun.Result added = a.run("datastore", "add", file.toString(), "--capsule-size", "256KiB", "--json",
                "--compression", "none", "--name", "kill");
        assertThat(added.code()).as(added.err()).isZero();
        String id = JSON.readTree(added.out()).get("datastore_id").asText();

        List<String> plan = new ArrayList<>();
        SplittableRandom points = new SplittableRandom(SEED);
        for (int i = 0; i < 10; i++) {
            plan.add("window:" + (1 + points.nextInt(2)));
        }
        plan.add("land:1");
        plan.add("landed:1");

        Node provider = start("a", homeA, List.of(), null);
        try {
            awaitReady(provider);
            int apiA = provider.port("api_port");
            List<byte[]> capsules = new ArrayList<>();
            for (int c = 0; c < CAPSULES; c++) {
                HttpResponse<byte[]> r = getBytes(apiA, "/capsule/" + id + "/" + c);
                assertThat(r.statusCode()).isEqualTo(200);
                capsules.add(r.body());
            }
            List<String> bootstrap = List.of("network.bootstrap_nodes=127.0.0.1:" + provider.port("p2p_port"));
            SplittableRandom probe = new SplittableRandom(SEED + 1);
            int run = 0;
            for (String point : plan) {
                Node b = start("b" + run++, homeB, bootstrap, point);
                try {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                        if (Files.exists(b.ready()) && b.process().isAlive()) {
                            checkNothingPartial(b, id, capsules, probe.nextInt(CAPSULES));
                        }
                        return !b.process().isAlive();
                    });
                } finally {
                    b.process().destroyForcibly().waitFor();
                }
                assertThat(b.process().exitValue()).as("killed at %s; log: %s", point, tail(b.log())).isEqualTo(137);
                assertThat(Files.readString(b.log())).contains("\"kill_point\"");
                CliRun.Result verify = new CliRun(homeB, Map.of()).run("plot", "verify");
                assertThat(verify.code()).as("plot verify after the kill at %s: %s %s", point, verify.out(), verify.err()).isZero();
            }

            Node b = start("b-final", homeB, bootstrap, null);
            try {
                awaitReady(b);
                int apiB = b.port("api_port");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    checkNothingPartial(b, id, capsules, probe.nextInt(CAPSULES));
                    return get(apiB, "/datastore/" + id + "/manifest").statusCode() == 200;
                });
                assertThat(JSON.readTree(get(apiB, "/datastore/" + id + "/manifest").body()))
                        .isEqualTo(JSON.readTree(get(apiA, "/datastore/" + id + "/manifest").body()));
                for (int c = 0; c < CAPSULES; c++) {
                    assertThat(getBytes(apiB, "/capsule/" + id + "/" + c).body()).as("capsule %d", c).isEqualTo(capsules.get(c));
                }
                assertThat(getBytes(apiB, "/datastore/" + id + "/file/kill.bin").body()).isEqualTo(data);
            } finally {
                b.process().destroy();
                assertThat(b.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            CliRun.Result verify = new CliRun(homeB, Map.of()).run("plot", "verify");
            assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
            try (var staged = Files.list(homeB)) {
                for (Path area : staged.filter(p -> p.getFileName().toString().equals("fetch")).toList()) {
                    try (var left = Files.list(area)) {
                        assertThat(left.toList()).as("staging areas left").isEmpty();
                    }
                }
            }
        } finally {
            provider.process().destroyForcibly().waitFor();
        }
    }

    /**
     * B counts no datastore until the version landed; a capsule is 404/503 until then, byte-identical once served.
     * The status is read before the capsule: a version that lands between the two reads is then not mistaken for a
     * listed datastore with a missing capsule.
     */
    private void checkNothingPartial(Node b, String id, List<byte[]> capsules, int c) {
        int api;
        HttpResponse<byte[]> capsule;
        JsonNode status;
        try {
            api = b.port("api_port");
            status = JSON.readTree(get(api, "/node/status").body());
            capsule = getBytes(api, "/capsule/" + id + "/" + c);
        } catch (IOException | InterruptedException | RuntimeException e) {
            return; // the process is being killed: nothing to read
        }
        if (capsule.statusCode() == 200) {
            assertThat(capsule.body()).as("capsule %d served", c).isEqualTo(capsules.get(c));
        } else {
            assertThat(capsule.statusCode()).as("capsule %d before landing", c).isIn(404, 503);
        }
        long listed = status.get("datastores").asLong();
        assertThat(listed).isBetween(0L, 1L);
        if (listed == 1) {
            assertThat(capsule.statusCode()).as("listed, so every capsule is served").isEqualTo(200);
        }
    }

    private Node start(String name, Path home, List<String> extra, String killAt) throws IOException {
        Path ready = tmp.resolve(name + ".ready.json");
        Path log = tmp.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx256m"));
        if (killAt != null) {
            command.add("-D" + ReplicationWiring.KILL_AT + "=" + killAt);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "net.dig.node.Main", "--data-dir", home.toString(),
                "--set", "api.listen_address=127.0.0.1:0", "--set", "network.listen_address=127.0.0.1:0",
                "--set", "monitoring.metrics_port=0", "--set", "network.network_id=testnet-kill",
                "--set", "network.peer_connect_interval_secs=1"));
        for (String s : extra) {
            command.addAll(List.of("--set", s));
        }
        command.addAll(List.of("start", "--ready-file", ready.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DIG_NODE_"));
        return new Node(pb.start(), ready, log);
    }

    private static void awaitReady(Node n) throws IOException {
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(n.ready()) || !n.process().isAlive());
        assertThat(n.process().isAlive()).as("running; log: %s", tail(n.log())).isTrue();
    }

    private static String tail(Path log) throws IOException {
        String s = Files.readString(log);
        return s.substring(Math.max(0, s.length() - 4000));
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> getBytes(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
