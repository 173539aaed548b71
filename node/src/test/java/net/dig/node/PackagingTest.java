package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files at the repository root: the {@code Dockerfile}'s structure (no Docker daemon
 * is needed: its instructions are parsed) and the systemd unit's hardening, which
 * {@code systemd-analyze verify} also checks when it is installed ({@code .ci/run} installs it).
 */
class PackagingTest {
    @TempDir
    Path tmp;

    /** The checkout: the first directory above the working directory with a Dockerfile. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("Dockerfile"))) {
            p = p.getParent();
        }
        assertThat(p).as("Dockerfile above " + Path.of("").toAbsolutePath()).isNotNull();
        return p;
    }

    /** The instructions of a Dockerfile, keyword upper-cased, continuation lines joined, comments dropped. */
    static List<String[]> instructions(String text) {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String[] kv = current.toString().strip().split("\\s+", 2);
            out.add(new String[] {kv[0].toUpperCase(java.util.Locale.ROOT), kv.length > 1 ? kv[1] : ""});
            current.setLength(0);
        }
        return out;
    }

    private static List<String> args(List<String[]> ins, String keyword) {
        return ins.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
    }

    @Test
    void theDockerfileBuildsWithTheWrapperAndRunsUnprivilegedWithVolumesPortsAndAHealthcheck() throws Exception {
        List<String[]> ins = instructions(Files.readString(repoRoot().resolve("Dockerfile")));
        List<String> from = args(ins, "FROM");
        assertThat(from).hasSize(2);
        assertThat(from.get(0)).endsWith("AS build");
        assertThat(args(ins, "ARG")).contains("BUILD_IMAGE=eclipse-temurin:25-jdk", "RUNTIME_IMAGE=eclipse-temurin:25-jre");
        assertThat(args(ins, "RUN")).anyMatch(r -> r.startsWith("./mvnw -B") && r.contains("-pl node -am package"));
        assertThat(args(ins, "COPY")).contains("--from=build /dig-node.jar /opt/dig-node/dig-node.jar");
        java.util.regex.Matcher modules = java.util.regex.Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(repoRoot().resolve("pom.xml")));
        while (modules.find()) {
            String module = modules.group(1);
            assertThat(args(ins, "COPY")).as("every reactor module is in the build context").contains(module + " " + module);
        }
        List<String> user = args(ins, "USER");
        assertThat(user).hasSize(1);
        assertThat(user.getFirst()).doesNotStartWith("root").doesNotStartWith("0");
        assertThat(args(ins, "VOLUME")).containsExactly("[\"/plots\", \"/cache\", \"/data\"]");
        NodeConfig defaults = ConfigLoader.load(java.util.Optional.empty(), Map.of(), List.of());
        assertThat(args(ins, "EXPOSE")).containsExactly(defaults.api().listenAddress().port() + " "
                + defaults.network().listenAddress().port() + " " + defaults.monitoring().metricsPort());
        List<String> health = args(ins, "HEALTHCHECK");
        assertThat(health).hasSize(1);
        assertThat(health.getFirst()).contains("/dev/tcp/127.0.0.1/" + defaults.monitoring().metricsPort(), "GET /health");
        assertThat(args(ins, "STOPSIGNAL")).containsExactly("SIGTERM");
        assertThat(args(ins, "ENTRYPOINT").getFirst()).contains("/opt/dig-node/dig-node.jar");
        int lastFrom = 0;
        for (int i = 0; i < ins.size(); i++) {
            if (ins.get(i)[0].equals("FROM")) {
                lastFrom = i;
            }
        }
        assertThat(ins.subList(lastFrom, ins.size())).extracting(i -> i[0]).as("the runtime stage runs as the user")
                .containsSubsequence("USER", "ENTRYPOINT");
    }

    @Test
    void theSystemdUnitIsHardenedAndVerifies() throws Exception {
        Path unit = repoRoot().resolve("packaging/systemd/dig-node.service");
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(unit)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && !line.startsWith("[") && eq > 0) {
                keys.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        assertThat(keys.get("NoNewPrivileges")).containsExactly("yes");
        assertThat(keys.get("ProtectSystem")).containsExactly("strict");
        assertThat(keys.get("Environment")).contains("DIG_NODE_HOME=/var/lib/dig-node");
        assertThat(keys.get("ReadWritePaths")).containsExactly("/var/lib/dig-node");
        assertThat(keys.get("Restart")).containsExactly("on-failure");
        assertThat(keys.get("KillSignal")).containsExactly("SIGTERM");
        assertThat(keys.get("User")).singleElement().isNotEqualTo("root");
        assertThat(Long.parseLong(keys.get("LimitNOFILE").getFirst())).isGreaterThanOrEqualTo(65536);
        assertThat(keys.get("ExecStart").getFirst()).endsWith("-jar /opt/dig-node/dig-node.jar start");

        boolean installed = Files.isExecutable(Path.of("/usr/bin/systemd-analyze"));
        if ("true".equals(System.getenv("CI"))) {
            assertThat(installed).as("systemd-analyze (.ci/run installs systemd)").isTrue();
        }
        assumeTrue(installed, "systemd-analyze is not installed");
        // The unit as installed, with its java path pointed at this JVM (verify checks that ExecStart exists).
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path copy = tmp.resolve("dig-node.service");
        Files.writeString(copy, Files.readString(unit).replace("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", java));
        Process p = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).as("no warnings about the unit").doesNotContain("dig-node.service:");
    }
}
