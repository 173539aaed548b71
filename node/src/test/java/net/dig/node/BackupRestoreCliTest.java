package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.dig.core.Clock;
import net.dig.node.ConfigLoader.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dig-node backup} / {@code restore}: a node restored from its backup into a new, empty home,
 * pointed at the same plots, serves the same capsule byte for byte; the backup holds no plot and is
 * not readable as plain text; a wrong passphrase is exit 2 and writes nothing; the passphrase comes
 * from a file or the environment, never from a flag value.
 */
class BackupRestoreCliTest {
    @TempDir
    Path tmp;

    @Test
    void aRestoredHomeServesTheSameCapsulesAndAWrongPassphraseWritesNothing() throws Exception {
        Path plots = tmp.resolve("plots");
        Path home = tmp.resolve("home");
        Path pass = tmp.resolve("pass.txt");
        Files.writeString(pass, "correct horse battery staple\n");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("--plots", plots.toString(), "init").code()).isZero();
        Path file = tmp.resolve("data.bin");
        byte[] data = new byte[600 * 1024];
        new java.util.SplittableRandom(11).nextBytes(data);
        Files.write(file, data);
        CliRun.Result added = cli.run("--plots", plots.toString(), "datastore", "add", file.toString(), "--capsule-size", "256KiB", "--json");
        assertThat(added.code()).as(added.err()).isZero();
        String id = new ObjectMapper().readTree(added.out()).get("datastore_id").asText();
        byte[] before = capsule(home, plots, id, 1);

        CliRun.Result noPass = cli.run("backup", tmp.resolve("backup").toString());
        assertThat(noPass.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noPass.err()).contains("--passphrase-file", BackupCommand.PASSPHRASE_ENV);
        CliRun.Result backup = cli.run("--plots", plots.toString(), "backup", tmp.resolve("backup").toString(),
                "--passphrase-file", pass.toString());
        assertThat(backup.code()).as(backup.err()).isZero();
        Path archive = tmp.resolve("backup").resolve(BackupArchive.FILE_NAME);
        byte[] sealed = Files.readAllBytes(archive);
        assertThat(sealed.length).as("no plot inside").isLessThan(data.length / 2);
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("plots_dir", "SQLite format");

        Path wrongHome = tmp.resolve("wrong");
        CliRun.Result wrong = new CliRun(wrongHome, Map.of(BackupCommand.PASSPHRASE_ENV, "not it"))
                .run("restore", tmp.resolve("backup").toString());
        assertThat(wrong.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrong.err()).contains("passphrase", "nothing was written");
        assertThat(wrongHome).doesNotExist();

        Path restored = tmp.resolve("restored");
        CliRun.Result restore = new CliRun(restored, Map.of(BackupCommand.PASSPHRASE_ENV, "correct horse battery staple"))
                .run("restore", tmp.resolve("backup").toString());
        assertThat(restore.code()).as(restore.err()).isZero();
        assertThat(Files.readAllBytes(restored.resolve("node.key"))).isEqualTo(Files.readAllBytes(home.resolve("node.key")));
        CliRun.Result again = new CliRun(restored, Map.of(BackupCommand.PASSPHRASE_ENV, "correct horse battery staple"))
                .run("restore", tmp.resolve("backup").toString());
        assertThat(again.code()).as("a home that is not empty is refused").isEqualTo(ExitCodes.USAGE);

        assertThat(capsule(restored, plots, id, 1)).isEqualTo(before);
    }

    /** Starts the node on {@code home} and {@code plots} (every listener on 127.0.0.1) and GETs one capsule. */
    private static byte[] capsule(Path home, Path plots, String id, int index) throws Exception {
        DigNodeCommand.NodeContext ctx = new DigNodeCommand.NodeContext(new NodeHome(home),
                ConfigLoader.load(Optional.of(home.resolve("node.yaml")), Map.of(),
                        List.of(new Setting("api.listen_address", "127.0.0.1:0", "test"),
                                new Setting("network.listen_address", "127.0.0.1:0", "test"),
                                new Setting("api.metrics_listen_address", "127.0.0.1:0", "test"),
                                new Setting("storage.plots_dir", plots.toString(), "test"))),
                Optional.empty());
        try (NodeRuntime node = NodeRuntime.start(ctx, StorageWiring.identity(ctx), Clock.system());
             HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.facts().get("api_port")
                    + "/capsule/" + id + "/" + index)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        }
    }
}
