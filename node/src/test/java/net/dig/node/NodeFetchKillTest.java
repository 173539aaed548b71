package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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

        ChildNode provider = start("a", homeA, List.of(), null);
        try {
            provider.awaitReady();
            List<byte[]> capsules = new ArrayList<>();
            for (int c = 0; c < CAPSULES; c++) {
                HttpResponse<byte[]> r = provider.getBytes("/capsule/" + id + "/" + c);
                assertThat(r.statusCode()).isEqualTo(200);
                capsules.add(r.body());
            }
            List<String> bootstrap = List.of("network.bootstrap_nodes=127.0.0.1:" + provider.port("p2p_port"));
            SplittableRandom probe = new SplittableRandom(SEED + 1);
            int run = 0;
            for (String point : plan) {
                ChildNode b = start("b" + run++, homeB, bootstrap, point);
                try {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                        b.checkNothingPartial(id, capsules, probe.nextInt(CAPSULES));
                        return !b.process().isAlive();
                    });
                } finally {
                    b.kill();
                }
                assertThat(b.process().exitValue()).as("killed at %s; log: %s", point, b.tail()).isEqualTo(137);
                assertThat(Files.readString(b.log())).contains("\"kill_point\"");
                CliRun.Result verify = new CliRun(homeB, Map.of()).run("plot", "verify");
                assertThat(verify.code()).as("plot verify after the kill at %s: %s %s", point, verify.out(), verify.err()).isZero();
            }

            ChildNode b = start("b-final", homeB, bootstrap, null);
            try {
                b.awaitReady();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    b.checkNothingPartial(id, capsules, probe.nextInt(CAPSULES));
                    return b.get("/datastore/" + id + "/manifest").statusCode() == 200;
                });
                assertThat(JSON.readTree(b.get("/datastore/" + id + "/manifest").body()))
                        .isEqualTo(JSON.readTree(provider.get("/datastore/" + id + "/manifest").body()));
                for (int c = 0; c < CAPSULES; c++) {
                    assertThat(b.getBytes("/capsule/" + id + "/" + c).body()).as("capsule %d", c).isEqualTo(capsules.get(c));
                }
                assertThat(b.getBytes("/datastore/" + id + "/file/kill.bin").body()).isEqualTo(data);
            } finally {
                b.stop();
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
            provider.kill();
        }
    }

    private ChildNode start(String name, Path home, List<String> extra, String killAt) throws IOException {
        List<String> settings = new ArrayList<>(List.of("network.network_id=testnet-kill", "network.peer_connect_interval_secs=1"));
        settings.addAll(extra);
        return ChildNode.start(tmp, name, home, killAt == null ? Map.of() : Map.of(ReplicationWiring.KILL_AT, killAt), settings);
    }
}
