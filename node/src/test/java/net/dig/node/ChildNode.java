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

/**
 * A {@code dig-node start} child JVM on this test's class path, for tests that kill a whole node with SIGKILL: its
 * own home, its API and peer ports chosen by the system on 127.0.0.1 and read back from the ready file, its output
 * in a log file, its API not rate-limited (tests poll it).
 */
record ChildNode(Process process, Path ready, Path log) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Starts {@code dig-node start} on {@code home} with the JVM properties {@code properties} and the
     * {@code --set} settings {@code settings}; its ready file and log are named after {@code name} in {@code dir}.
     */
    static ChildNode start(Path dir, String name, Path home, Map<String, String> properties, List<String> settings) throws IOException {
        Path ready = dir.resolve(name + ".ready.json");
        Path log = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx256m"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "net.dig.node.Main", "--data-dir", home.toString(),
                "--set", "api.listen_address=127.0.0.1:0", "--set", "network.listen_address=127.0.0.1:0",
                "--set", "monitoring.metrics_port=0", "--set", "api.rate_limits.api_requests=unlimited",
                "--set", "api.rate_limits.capsule_retrieval=unlimited"));
        for (String s : settings) {
            command.addAll(List.of("--set", s));
        }
        command.addAll(List.of("start", "--ready-file", ready.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DIG_NODE_"));
        return new ChildNode(pb.start(), ready, log);
    }

    int port(String name) throws IOException {
        return JSON.readTree(Files.readString(ready)).get(name).asInt();
    }

    /** Waits until the node wrote its ready file; fails with the log's tail if it died first. */
    void awaitReady() throws IOException {
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(ready) || !process.isAlive());
        assertThat(process.isAlive()).as("running; log: %s", tail()).isTrue();
    }

    /** SIGKILL, then waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, then waits for the node to stop (at most 60 s). */
    void stop() throws InterruptedException, IOException {
        process.destroy();
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stopped; log: %s", tail()).isTrue();
    }

    String tail() throws IOException {
        String s = Files.readString(log);
        return s.substring(Math.max(0, s.length() - 4000));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest request(String path) throws IOException {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("api_port") + path)).timeout(Duration.ofSeconds(10)).build();
    }

    /**
     * The node counts no datastore until the version of {@code id} landed; its capsule {@code c} is 404/503 until
     * then, byte-identical to {@code capsules} once served. The status is read before the capsule: a version that lands
     * between the two reads is then not mistaken for a listed datastore with a missing capsule. A node that is not
     * ready, or is being killed, has nothing to read.
     */
    void checkNothingPartial(String id, List<byte[]> capsules, int c) {
        HttpResponse<byte[]> capsule;
        JsonNode status;
        try {
            if (!Files.exists(ready) || !process.isAlive()) {
                return;
            }
            status = JSON.readTree(get("/node/status").body());
            capsule = getBytes("/capsule/" + id + "/" + c);
        } catch (IOException | InterruptedException | RuntimeException e) {
            return;
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
}
