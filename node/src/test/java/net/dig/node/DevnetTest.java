package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.dig.core.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Devnet} in this JVM: three nodes find each other through the introducer and show it on their
 * APIs; stopping frees every port and ends every thread the devnet started; a base directory used
 * again brings the same nodes back; bad options and busy ports are usage errors before anything starts.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DevnetTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void threeNodesPeerThroughTheIntroducerAndStopLeavingNoPortOrThread() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        Path base = tmp.resolve("devnet");
        List<Integer> ports;
        List<Devnet.Member> members;
        try (Devnet devnet = Devnet.start(options(3, base), Map.of(), List.of(), Clock.system());
             HttpClient http = HttpClient.newHttpClient()) {
            members = devnet.members();
            ports = devnet.ports();
            assertThat(members).extracting(Devnet.Member::name).containsExactly("node-1", "node-2", "node-3");
            assertThat(members).extracting(Devnet.Member::nodeId).doesNotHaveDuplicates().allMatch(id -> id.matches("dig1[0-9a-f]{16}"));
            assertThat(members).extracting(Devnet.Member::peerId).doesNotHaveDuplicates();
            assertThat(ports).hasSize(1 + 3 * 3).doesNotHaveDuplicates().allMatch(p -> p > 0);
            for (Devnet.Member m : members) {
                assertThat(m.home()).isEqualTo(base.toAbsolutePath().resolve(m.name()));
                assertThat(m.home().resolve("node.key")).exists();
                assertThat(m.home().resolve("node.yaml")).exists();
                JsonNode status = get(http, m.apiUrl() + "/node/status");
                assertThat(status.get("node_id").asText()).isEqualTo(m.nodeId());
            }
            Set<String> peerIds = members.stream().map(Devnet.Member::peerId).collect(Collectors.toSet());
            Set<String> nodeIds = members.stream().map(Devnet.Member::nodeId).collect(Collectors.toSet());
            // No node has a bootstrap peer: each learns the others only through the introducer.
            await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                for (Devnet.Member m : members) {
                    assertThat(get(http, m.apiUrl() + "/node/status").get("network").get("peers").asInt())
                            .as("%s's peer count", m.name()).isGreaterThanOrEqualTo(1);
                    Set<String> seen = new HashSet<>();
                    Set<String> announced = new HashSet<>();
                    get(http, m.apiUrl() + "/network/peers").get("peers").forEach(p -> {
                        seen.add(p.get("peer_id").asText());
                        announced.add(p.get("node_id").asText());
                    });
                    assertThat(seen).as("%s's peers are devnet nodes, not itself", m.name()).isNotEmpty()
                            .isSubsetOf(peerIds).doesNotContain(m.peerId());
                    // node_id is the DIG node id a peer announced (signed, opcode 240): every peer announced itself
                    assertThat(announced).as("%s's peers' announced node ids", m.name()).hasSameSizeAs(seen)
                            .isSubsetOf(nodeIds).doesNotContain(m.nodeId());
                }
            });
        }
        for (int port : ports) {
            assertThat(Devnet.free(port)).as("port %d free after the stop", port).isTrue();
        }
        await().atMost(BOUND).pollInSameThread().pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(leaked(before)).as("threads started by the devnet still alive").isEmpty());
    }

    @Test
    void aBaseDirectoryUsedAgainBringsTheSameNodesBack() throws Exception {
        Path base = tmp.resolve("again");
        String first;
        try (Devnet devnet = Devnet.start(options(1, base), Map.of(), List.of(), Clock.system())) {
            first = devnet.members().getFirst().nodeId();
        }
        try (Devnet devnet = Devnet.start(options(1, base), Map.of(), List.of(), Clock.system())) {
            Devnet.Member m = devnet.members().getFirst();
            assertThat(m.nodeId()).isEqualTo(first);
            assertThat(devnet.baseDir()).isEqualTo(base.toAbsolutePath());

            StringWriter table = new StringWriter();
            DevnetCommand.printTable(new PrintWriter(table, true), devnet, base.resolve("devnet.log"));
            assertThat(table.toString()).contains("introducer " + devnet.introducerAddress(), "NODE ID", "PEER ID",
                    m.nodeId(), m.peerId().substring(0, 12), m.apiUrl(), m.p2pAddress(),
                    "node-1: curl " + m.apiUrl() + "/node/status").doesNotContain(m.peerId());
            JsonNode doc = JSON.valueToTree(DevnetCommand.document(devnet, base.resolve("devnet.log")));
            assertThat(doc.get("introducer").asText()).isEqualTo(devnet.introducerAddress());
            assertThat(doc.get("network_id").asText()).isEqualTo("devnet");
            JsonNode row = doc.get("nodes").get(0);
            assertThat(row.get("node_id").asText()).isEqualTo(m.nodeId());
            assertThat(row.get("peer_id").asText()).isEqualTo(m.peerId());
            assertThat(row.get("api").asText()).isEqualTo(m.apiUrl());
            assertThat(row.get("metrics").asText()).isEqualTo("127.0.0.1:" + m.metricsPort());
            assertThat(row.get("home").asText()).isEqualTo(m.home().toString());
        }
    }

    @Test
    void setsOfTheCommandLineApplyToEveryNode() throws Exception {
        try (Devnet devnet = Devnet.start(options(2, tmp.resolve("set")), Map.of(),
                List.of(new ConfigLoader.Setting("api.rate_limits.api_requests", "1/minute", "--set")), Clock.system());
             HttpClient http = HttpClient.newHttpClient()) {
            for (Devnet.Member m : devnet.members()) {
                HttpRequest status = HttpRequest.newBuilder(URI.create(m.apiUrl() + "/node/status")).build();
                assertThat(http.send(status, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                assertThat(http.send(status, HttpResponse.BodyHandlers.ofString()).statusCode())
                        .as("the --set limit wins over the devnet's unlimited default").isEqualTo(429);
            }
        }
    }

    @Test
    void aBusyBasePortIsAUsageErrorBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(Devnet.HOST))) {
            int port = taken.getLocalPort();
            Path base = tmp.resolve("busy");
            assertThatThrownBy(() -> Devnet.start(new Devnet.Options(1, Optional.of(base), OptionalInt.of(port), "devnet"),
                    Map.of(), List.of(), Clock.system()))
                    .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
                    .hasMessageContaining(String.valueOf(port)).hasMessageContaining("in use");
            assertThat(base).doesNotExist();
        }
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheFlag() throws Exception {
        assertThatThrownBy(() -> options(0, tmp)).hasMessageContaining("--nodes");
        assertThatThrownBy(() -> options(Devnet.MAX_NODES + 1, tmp)).hasMessageContaining("--nodes");
        assertThatThrownBy(() -> new Devnet.Options(2, Optional.empty(), OptionalInt.of(65530), "devnet"))
                .hasMessageContaining("--base-port");
        assertThatThrownBy(() -> new Devnet.Options(2, Optional.empty(), OptionalInt.empty(), "has space"))
                .hasMessageContaining("--network-id");
        assertThat(new Devnet.Options(2, Optional.empty(), OptionalInt.of(20000), "devnet").port(4)).isEqualTo(20004);
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(() -> Devnet.start(options(1, file), Map.of(), List.of(), Clock.system()))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
                .hasMessageContaining("--base-dir");
    }

    @Test
    void theCommandRefusesTheGlobalHomeFlags() {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--data-dir", tmp.toString(), "devnet", "--nodes", "1"}, Map.of(),
                new PrintWriter(Writer.nullWriter()), new PrintWriter(err, true));
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--data-dir").contains("own home");
        StringWriter err2 = new StringWriter();
        int code2 = Main.run(new String[] {"devnet", "--nodes", "0", "--base-dir", tmp.resolve("x").toString()}, Map.of(),
                new PrintWriter(Writer.nullWriter()), new PrintWriter(err2, true));
        assertThat(code2).isEqualTo(ExitCodes.USAGE);
        assertThat(err2.toString()).contains("--nodes");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    private static Devnet.Options options(int nodes, Path base) {
        return new Devnet.Options(nodes, Optional.of(base), OptionalInt.empty(), "devnet");
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", url, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Threads alive now that were not before, other than the JVM's own shared pools. */
    static List<String> leaked(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                .sorted()
                .toList();
    }
}
