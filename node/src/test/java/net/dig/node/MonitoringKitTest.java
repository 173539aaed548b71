package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dig.core.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code monitoring/grafana/dig-node.json} and {@code monitoring/prometheus/alerts.yml} name only
 * metrics a running node exports: every metric name in their PromQL expressions is found on the
 * node's {@code /metrics} (after some API traffic, so that per-request series exist).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MonitoringKitTest {
    /** Series Prometheus itself adds to every scrape. */
    private static final Set<String> SCRAPE_SERIES = Set.of("up");
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @TempDir
    Path tmp;

    /** The metric names an expression reads: identifiers outside label matchers, ranges and strings that call nothing. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\w+", " ");
        Set<String> out = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String rest = s.substring(m.end()).stripLeading();
            boolean call = rest.startsWith("(");
            boolean numberPart = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
            if (!call && !numberPart && !PROMQL_WORDS.contains(m.group().toLowerCase(java.util.Locale.ROOT))) {
                out.add(m.group());
            }
        }
        return out;
    }

    @Test
    void theParserFindsMetricsAndSkipsFunctionsLabelsAndRanges() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(a_bucket{instance=~\"$instance\",x=\"y z\"}[5m])))"
                + " / ignoring (x) b_total offset 1h > 1e3 and on (instance) c"))
                .containsExactly("a_bucket", "b_total", "c");
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsUseIsExported() throws Exception {
        List<String> exprs = new ArrayList<>();
        Path kit = PackagingTest.repoRoot().resolve("monitoring");
        JsonNode dashboard = new ObjectMapper().readTree(kit.resolve("grafana/dig-node.json").toFile());
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                exprs.add(target.get("expr").asText());
            }
        }
        JsonNode alerts = new ObjectMapper(new YAMLFactory()).readTree(kit.resolve("prometheus/alerts.yml").toFile());
        for (JsonNode group : alerts.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                exprs.add(rule.get("expr").asText());
            }
        }
        Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(metricNames(e)));
        used.removeAll(SCRAPE_SERIES);
        assertThat(used).contains("storage_utilization", "peer_reputation_mean", "request_latency_seconds_bucket",
                "storage_scrub_bad_found_total", "validation_challenges_total");

        Path home = tmp.resolve("home");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        DigNodeCommand.NodeContext ctx = LoopbackNode.context(home);
        Set<String> exported = new TreeSet<>();
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
             HttpClient http = HttpClient.newHttpClient()) {
            String api = "http://127.0.0.1:" + node.facts().get("api_port");
            for (String path : List.of("/node/status", "/network/peers", "/no/such/route")) {
                http.send(HttpRequest.newBuilder(URI.create(api + path)).build(), HttpResponse.BodyHandlers.discarding());
            }
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.facts().get("metrics_port")
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            for (String line : metrics.split("\n")) {
                Matcher m = IDENT.matcher(line);
                if (!line.startsWith("#") && m.lookingAt()) {
                    exported.add(m.group());
                }
            }
        }
        assertThat(exported).as("/metrics").containsAll(used);
    }
}
