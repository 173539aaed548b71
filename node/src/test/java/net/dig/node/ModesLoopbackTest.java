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
import java.util.concurrent.atomic.AtomicInteger;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.gossip.PeerId;
import net.dig.node.ConfigLoader.Setting;
import net.dig.storage.DatastoreVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three running nodes on loopback (NodeRuntime, real TLS, SQLite, replication): A holds three datastores
 * it added itself and offers them, each offer naming its datastore; archive node B takes all three; selective
 * node C (blacklist {@code spam*}, {@code max_size_gb} 0.001) takes only {@code keep} and refuses the others with
 * their reasons without fetching a window of them: the glob is decided on the offered name, which C checks against
 * the owner-signed name hash, and an offer that names no datastore is refused as {@code NAME_UNKNOWN}. Then B's config is reloaded to selective with {@code keep}
 * blacklisted: B evicts {@code keep}, which it took from A, and keeps the rest, its own datastore included.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ModesLoopbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newHttpClient();

    private Setting[] settings(List<Setting> extra) {
        List<Setting> all = new ArrayList<>(List.of(new Setting("network.network_id", "testnet11", "test"),
                new Setting("network.peer_connect_interval_secs", "1", "test")));
        all.addAll(extra);
        return all.toArray(Setting[]::new);
    }

    private NodeRuntime start(Path home, List<Setting> extra) {
        DigNodeCommand.NodeContext ctx = LoopbackNode.context(home, settings(extra));
        return NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
    }

    private Path home(String name) {
        Path home = tmp.resolve(name);
        assertThat(new CliRun(home, Map.of()).run("init").code()).isZero();
        return home;
    }

    private String add(Path home, String name, int bytes) throws Exception {
        byte[] data = new byte[bytes];
        new SplittableRandom(bytes).nextBytes(data);
        Path file = Files.write(tmp.resolve(name + ".bin"), data);
        CliRun.Result added = new CliRun(home, Map.of()).run("datastore", "add", file.toString(), "--capsule-size", "256KiB",
                "--json", "--compression", "none", "--name", name);
        assertThat(added.code()).as(added.err()).isZero();
        return JSON.readTree(added.out()).get("datastore_id").asText();
    }

    private boolean holds(NodeRuntime n, String id) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.facts().get("api_port") + "/datastore/" + id
                + "/manifest")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    }

    private static List<Setting> bootstrapTo(NodeRuntime to, Setting... more) {
        List<Setting> s = new ArrayList<>(List.of(new Setting("network.bootstrap_nodes", "127.0.0.1:" + to.facts().get("p2p_port"), "test")));
        s.addAll(List.of(more));
        return s;
    }

    @Test
    void archiveTakesEverythingSelectiveOnlyWhatItsListsAndSizeAllowAndAReloadEvictsWhatTheNewModeRefuses() throws Exception {
        Path homeA = home("a");
        String keep = add(homeA, "keep", 300_000);
        String spam = add(homeA, "spam-1", 300_000);
        String big = add(homeA, "big", 1_500_000);
        Path homeB = home("b");
        String own = add(homeB, "b-own", 1_200_000);
        Setting archive = new Setting("node.mode", "archive", "test");
        try (NodeRuntime a = start(homeA, List.of());
             NodeRuntime b = start(homeB, bootstrapTo(a, archive));
             NodeRuntime c = start(home("c"), bootstrapTo(a, new Setting("node.selective.blacklist", "spam*", "test"),
                     new Setting("node.selective.max_size_gb", "0.001", "test")))) {
            AtomicInteger windowsOfC = new AtomicInteger();
            c.fetches.observe(step -> {
                if (step.equals("window")) {
                    windowsOfC.incrementAndGet();
                }
            });
            await().atMost(Duration.ofSeconds(90)).until(() -> holds(b, keep) && holds(b, spam) && holds(b, big) && holds(c, keep)
                    && holds(a, own));
            assertThat(holds(c, spam)).isFalse();
            assertThat(holds(c, big)).isFalse();
            assertThat(holds(c, own)).isFalse();
            // C fetched keep's two capsules and not one window of anything else; nothing refused is staged
            assertThat(windowsOfC).hasValue(2);
            assertThat(c.fetches.bytesFetched()).isEqualTo(version(a, keep).totalSize());
            assertThat(c.fetches.staged()).isEmpty();
            PeerId fromA = PeerId.parse((String) a.facts().get("peer_id"));
            assertThat(c.replication.onOffer(fromA, version(a, spam), "spam-1").reason()).isEqualTo("BLACKLISTED");
            assertThat(c.replication.onOffer(fromA, version(a, spam)).reason()).isEqualTo("NAME_UNKNOWN");
            assertThat(c.replication.onOffer(fromA, version(a, spam), "ham").reason()).isEqualTo("NAME_UNKNOWN");
            assertThat(c.replication.onOffer(fromA, version(a, big), "big").reason()).isEqualTo("TOO_LARGE");
            assertThat(windowsOfC).hasValue(2);
            assertThat(c.fetches.bytesFetched()).isEqualTo(version(a, keep).totalSize());
            PeerId pidB = PeerId.parse((String) b.facts().get("peer_id"));
            await().atMost(Duration.ofSeconds(30)).until(() -> announcedMode(a, pidB).equals("archive"));

            // B switches to selective with keep blacklisted: keep (taken from A) goes, the rest stays
            b.reloadWith(() -> LoopbackNode.context(homeB, settings(bootstrapTo(a,
                    new Setting("node.selective.blacklist", "keep", "test")))).config());
            b.reload();
            assertThat(holds(b, keep)).isFalse();
            assertThat(holds(b, spam)).isTrue();
            assertThat(holds(b, big)).isTrue();
            assertThat(holds(b, own)).isTrue();
            assertThat(b.replication.policy().mode()).isEqualTo("selective");
            assertThat(b.replication.onOffer(fromA, version(a, keep)).reason()).isEqualTo("BLACKLISTED");
            await().atMost(Duration.ofSeconds(30)).until(() -> announcedMode(a, pidB).equals("selective"));
        }
    }

    private static String announcedMode(NodeRuntime at, PeerId of) {
        return at.nodeMessages.directory().get(of).map(i -> i.announcement().mode()).orElse("");
    }

    private static DatastoreVersion version(NodeRuntime n, String id) {
        return n.services().datastores().manifest(Bytes32.fromHex(id)).orElseThrow().version();
    }
}
