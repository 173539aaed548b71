package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.dig.service.ErrorCode;
import net.dig.service.ServiceException;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes ({@link DashboardRoutes}): the page and its files from the jar, the overview
 * (datastores, plots, disks with indexed bytes against the bytes on disk), the per-minute history of
 * real requests on the injected clock, and {@code POST /admin/reload} behind the admin token.
 */
class DashboardRoutesTest {
    @TempDir
    Path tmp;
    private final ManualClock clock = new ManualClock();
    private ApiFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ApiFixture(tmp, clock, PeerDirectory.none(), c -> c);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void thePageAndItsFilesComeFromTheJar() throws Exception {
        for (String path : List.of("/dashboard", "/dashboard/index.html")) {
            HttpResponse<String> page = f.send("GET", path, null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("id=\"node-id\"", "/dashboard/dashboard.js");
        }
        assertThat(f.send("GET", "/dashboard/dashboard.js", null).headers().firstValue("Content-Type"))
                .hasValue("text/javascript; charset=utf-8");
        assertThat(f.send("GET", "/dashboard/dashboard.css", null).statusCode()).isEqualTo(200);
        HttpResponse<String> missing = f.send("GET", "/dashboard/secret.txt", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("not_found");
    }

    @Test
    void theOverviewListsDatastoresPlotsAndDisks() throws Exception {
        HttpResponse<String> r = f.send("GET", "/dashboard/overview", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject o = new JsonObject(r.body());
        assertThat(o.getJsonObject("node").getString("node_id")).isEqualTo(f.node.nodeId());
        JsonArray datastores = o.getJsonArray("datastores");
        assertThat(datastores.stream().map(d -> ((JsonObject) d).getString("datastore_id")))
                .containsExactlyInAnyOrder(f.dir.datastoreId().toHex(), f.zstd.datastoreId().toHex(), f.tiny.datastoreId().toHex());
        JsonObject site = datastores.stream().map(JsonObject.class::cast)
                .filter(d -> d.getString("name").equals("site")).findFirst().orElseThrow();
        assertThat(site.getLong("version")).isEqualTo(f.dir.version().version());
        JsonArray plots = o.getJsonArray("plots");
        long plotBytes = plots.stream().mapToLong(p -> ((JsonObject) p).getLong("size_bytes")).sum();
        assertThat(plots).isNotEmpty();
        JsonArray disks = o.getJsonArray("disks");
        assertThat(disks).hasSize(1);
        JsonObject disk = disks.getJsonObject(0);
        assertThat(disk.getString("path")).isEqualTo(tmp.resolve("plots").toString());
        assertThat(disk.getInteger("plots")).isEqualTo(plots.size());
        assertThat(disk.getLong("used_bytes")).isEqualTo(plotBytes);
        assertThat(disk.getLong("du_bytes")).isGreaterThanOrEqualTo(plotBytes);
        assertThat(disk.getLong("total_bytes")).isGreaterThanOrEqualTo(disk.getLong("usable_bytes"));
        assertThat(o.getJsonArray("peers")).isEmpty();
        assertThat(o.getJsonObject("replication").getBoolean("enabled")).isFalse();
    }

    @Test
    void theHistoryCountsTheRequestsOfEachMinute() throws Exception {
        f.server.history().tick();
        for (int i = 0; i < 3; i++) {
            assertThat(f.get("/capsule/" + f.zstd.datastoreId().toHex() + "/0").statusCode()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(1));
        HttpResponse<String> r = f.send("GET", "/dashboard/history", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject h = new JsonObject(r.body());
        assertThat(h.getInteger("interval_seconds")).isEqualTo(60);
        JsonArray samples = h.getJsonArray("samples");
        assertThat(samples).hasSize(1);
        JsonObject minute = samples.getJsonObject(0);
        assertThat(minute.getString("minute")).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(minute.getLong("requests")).isEqualTo(3);
        assertThat(minute.getLong("http_bytes_out")).isGreaterThanOrEqualTo(3 * 262_144);
        assertThat(minute.getLong("cache_hits")).as("the second and third read of a stored-zstd capsule").isPositive();
    }

    @Test
    void reloadNeedsTheAdminTokenAndReportsWhatTheHookDid() throws Exception {
        String[] admin = {"Authorization", "Bearer " + ApiFixture.ADMIN};
        assertThat(f.send("POST", "/admin/reload", null).statusCode()).isEqualTo(401);
        assertThat(f.send("POST", "/admin/reload", null, admin).statusCode()).as("no hook installed").isEqualTo(503);

        f.server.onReload(() -> new ReloadReport(List.of("monitoring.log_level"), List.of("network.max_peers")));
        HttpResponse<String> ok = f.send("POST", "/admin/reload", null, admin);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(ok.body());
        assertThat(body.getJsonArray("applied")).containsExactly("monitoring.log_level");
        assertThat(body.getJsonArray("needs_restart")).containsExactly("network.max_peers");

        f.server.onReload(() -> {
            throw new ServiceException(ErrorCode.BAD_CONFIG, "node.yaml: network.max_peers: must be positive");
        });
        HttpResponse<String> bad = f.send("POST", "/admin/reload", null, admin);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("bad_config");
        assertThat(new JsonObject(bad.body()).getString("message")).contains("network.max_peers");
    }

    @Test
    void newRateLimitsApplyToLaterRequests() throws Exception {
        String capsule = "/capsule/" + f.tiny.datastoreId().toHex() + "/0";
        assertThat(f.get(capsule).statusCode()).isEqualTo(200);
        f.server.rateLimits(new RateLimit(1, Duration.ofMinutes(1)), RateLimit.unlimited(), RateLimit.unlimited());
        assertThat(f.get(capsule).statusCode()).isEqualTo(200);
        assertThat(f.get(capsule).statusCode()).as("the second request of the minute under the new limit").isEqualTo(429);
    }
}
