package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import net.dig.service.ManifestCodec;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without an admin token admin endpoints are 403; open push mode lets anyone push (still fully verified). */
class AdminModesTest {
    @Test
    void noTokenDisablesAdminEndpointsAndOpenModeAdmitsSignedPushes(@TempDir Path tmp) throws Exception {
        try (ApiFixture f = new ApiFixture(tmp, new ManualClock(), PeerDirectory.none(), c -> c.toBuilder().admin(null, true).build())) {
            HttpResponse<String> plot = f.postJson("/plot/create",
                    new JsonObject().put("datastore_id", f.tiny.datastoreId().toHex()).encode(), false);
            assertThat(plot.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(plot.body()).getString("error")).isEqualTo("admin_disabled");

            // open mode: no token needed, but the push is still verified (here: a stale version -> 409)
            byte[] body = new Multipart().field("manifest", ManifestCodec.encode(f.tiny))
                    .file("capsule-0", f.storage.readCapsule(f.tiny.datastoreId(), 0)).build();
            HttpResponse<String> push = f.http.send(HttpRequest.newBuilder(f.uri("/datastore/push"))
                    .header("Content-Type", Multipart.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(push.statusCode()).as(push.body()).isEqualTo(409);
            assertThat(new JsonObject(push.body()).getString("error")).isEqualTo("stale_version");

            // a larger push in open mode: two 4 MiB capsules made by another node
            Path other = java.nio.file.Files.createDirectories(tmp.resolve("other"));
            net.dig.storage.Manifest m;
            java.util.List<byte[]> caps = new java.util.ArrayList<>();
            try (var e = net.dig.storage.StorageEngine.open(new net.dig.storage.StorageConfig(other.resolve("d"),
                    java.util.List.of(other.resolve("p")), other.resolve("c")), new ManualClock(), f.owner,
                    new java.util.SplittableRandom(3))) {
                Path src = other.resolve("big.bin");
                java.nio.file.Files.write(src, ApiFixture.pseudoRandom(5 << 20, 9));
                m = e.ingest(src, new net.dig.storage.IngestOptions(4 << 20, net.dig.storage.Compression.NONE, "big"), f.owner,
                        net.dig.core.Progress.none());
                for (int i = 0; i < m.capsules().size(); i++) {
                    caps.add(e.readCapsule(m.datastoreId(), i));
                }
            }
            Multipart mp = new Multipart().field("manifest", ManifestCodec.encode(m)).field("compression", "none");
            for (int i = 0; i < caps.size(); i++) {
                mp.file("capsule-" + i, caps.get(i));
            }
            HttpResponse<String> ok = f.http.send(HttpRequest.newBuilder(f.uri("/datastore/push"))
                    .header("Content-Type", Multipart.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(mp.build())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            for (int i = 0; i < caps.size(); i++) {
                assertThat(f.get("/capsule/" + m.datastoreId().toHex() + "/" + i).body()).isEqualTo(caps.get(i));
            }
            // the spool files are deleted before the answer is written
            assertThat(f.spoolLeftovers()).isEmpty();
        }
    }
}
