package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.dig.core.Bytes32;
import net.dig.core.Clock;
import net.dig.core.MerkleTree;
import net.dig.core.NodeIdentity;
import net.dig.core.Sha256;
import net.dig.storage.CapsuleLocation;
import net.dig.storage.StorageConfig;
import net.dig.storage.StorageEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage commands run in-process against a real data directory, real plots and real SQLite. */
class StorageCliTest {
    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();
    private Path home;
    private CliRun cli;

    @BeforeEach
    void init() {
        home = tmp.resolve("home");
        cli = new CliRun(home, Map.of());
        CliRun.Result r = cli.run("init");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(home.resolve("index.sqlite")).isRegularFile();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private String add(String... args) {
        CliRun.Result r = cli.run(args);
        assertThat(r.code()).as("add: %s", r.err()).isZero();
        return r.out();
    }

    @Test
    void addListShowVerifyRebuild() throws Exception {
        Path file = tmp.resolve("video.bin");
        byte[] fileBytes = random(600 * 1024, 1);
        Files.write(file, fileBytes);
        Path dir = tmp.resolve("site");
        Files.createDirectories(dir.resolve("img"));
        Files.writeString(dir.resolve("index.html"), "<h1>hello</h1>\n");
        Files.write(dir.resolve("img/logo.png"), random(5000, 2));

        JsonNode fileManifest = json.readTree(add("datastore", "add", file.toString(), "--capsule-size", "256KiB",
                "--compression", "none", "--json"));
        String dirOut = add("datastore", "add", dir.toString(), "--name", "my site", "--capsule-size", "1MiB");
        assertThat(dirOut).startsWith("Added datastore 0x").contains("name:        my site").contains("files:       2");

        // list --json
        CliRun.Result list = cli.run("datastore", "list", "--json");
        assertThat(list.code()).isZero();
        JsonNode stores = json.readTree(list.out());
        assertThat(stores).hasSize(2);
        assertThat(stores.findValuesAsText("name")).containsExactlyInAnyOrder("video.bin", "my site");
        String fileId = fileManifest.get("datastore_id").asText();
        assertThat(stores.findValuesAsText("datastore_id")).contains(fileId);
        CliRun.Result listText = cli.run("datastore", "list");
        assertThat(listText.out()).contains(fileId).contains("my site");

        // show --json: the manifest document, consistent with itself and with the bytes
        CliRun.Result show = cli.run("datastore", "show", fileId, "--json");
        assertThat(show.code()).as(show.err()).isZero();
        JsonNode m = json.readTree(show.out());
        assertThat(m).isEqualTo(fileManifest);
        List<String> fields = new ArrayList<>();
        m.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("datastore_id", "capsule_count", "merkle_root", "total_size", "creation_time",
                "capsules", "version", "owner", "nonce", "files_root", "signature", "files", "name", "capsule_size");
        assertThat(m.get("capsule_count").asInt()).isEqualTo(3);
        assertThat(m.get("total_size").asLong()).isEqualTo(fileBytes.length);
        assertThat(m.get("version").asLong()).isEqualTo(1);
        assertThat(m.get("capsule_size").asInt()).isEqualTo(262144);
        assertThat(m.get("owner").asText()).isEqualTo(net.dig.core.Hex.encode(NodeIdentity.load(home.resolve("node.key")).publicKey()));
        assertThat(m.get("signature").asText()).matches("0x[0-9a-f]{128}");
        List<Bytes32> leaves = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JsonNode c = m.get("capsules").get(i);
            assertThat(c.get("index").asInt()).isEqualTo(i);
            int from = i * 262144;
            int to = Math.min(fileBytes.length, from + 262144);
            byte[] capsule = java.util.Arrays.copyOfRange(fileBytes, from, to);
            assertThat(c.get("size").asLong()).isEqualTo(to - from);
            assertThat(c.get("hash").asText()).isEqualTo(Sha256.hash(capsule).toHex());
            byte[] leafInput = new byte[64];
            System.arraycopy(Bytes32.fromHex(c.get("hash").asText()).toArray(), 0, leafInput, 0, 32);
            System.arraycopy(Bytes32.fromHex(c.get("chunk_root").asText()).toArray(), 0, leafInput, 32, 32);
            leaves.add(MerkleTree.leafHash(leafInput));
        }
        assertThat(m.get("merkle_root").asText()).isEqualTo(MerkleTree.root(leaves).toHex());
        assertThat(m.get("files")).hasSize(1);
        assertThat(m.get("files").get(0).get("path").asText()).isEqualTo("video.bin");
        assertThat(m.get("files").get(0).get("sha256").asText()).isEqualTo(Sha256.hash(fileBytes).toHex());
        CliRun.Result showText = cli.run("datastore", "show", fileId);
        assertThat(showText.out()).contains("signature:     valid").contains("video.bin");

        // plot list, verify (all, by id, by path)
        JsonNode plots = json.readTree(cli.run("plot", "list", "--json").out());
        assertThat(plots).hasSize(2);
        assertThat(plots.findValuesAsText("status")).containsOnly("ok");
        CliRun.Result verify = cli.run("plot", "verify");
        assertThat(verify.code()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("2 plot(s) verified, 0 with problems");
        String plotId = plots.get(0).get("plot_id").asText();
        assertThat(cli.run("plot", "verify", plotId).out()).contains("1 plot(s) verified, 0 with problems");
        assertThat(cli.run("plot", "verify", plots.get(1).get("path").asText()).out()).contains("1 plot(s) verified");

        // index rebuild: same datastores afterwards
        Files.delete(home.resolve("index.sqlite"));
        Files.createFile(home.resolve("index.sqlite"));
        CliRun.Result rebuild = cli.run("index", "rebuild");
        assertThat(rebuild.code()).as(rebuild.err()).isZero();
        assertThat(rebuild.out()).contains("from 2 plot(s): 2 datastore(s), 4 capsule(s), 0 quarantined");
        assertThat(json.readTree(cli.run("datastore", "list", "--json").out())).isEqualTo(stores);
    }

    @Test
    void verifyReportsADamagedCapsuleAndExits1() throws Exception {
        Path file = tmp.resolve("data.bin");
        Files.write(file, random(300 * 1024, 3));
        String id = json.readTree(add("datastore", "add", file.toString(), "--capsule-size", "256KiB",
                "--compression", "none", "--json")).get("datastore_id").asText();
        CapsuleLocation loc;
        try (StorageEngine engine = StorageEngine.open(new StorageConfig(home, List.of(home.resolve("plots")), home.resolve("cache")),
                Clock.system(), NodeIdentity.load(home.resolve("node.key")), new java.security.SecureRandom())) {
            loc = engine.locate(Bytes32.fromHex(id), 1).orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(loc.plotPath().toFile(), "rw")) {
            raf.seek(loc.offset() + 100);
            int b = raf.read();
            raf.seek(loc.offset() + 100);
            raf.write(b ^ 0x40);
        }
        CliRun.Result verify = cli.run("plot", "verify");
        assertThat(verify.code()).isEqualTo(1);
        assertThat(verify.out()).contains("BAD  ").contains("capsule 1 of " + id).contains("1 with problems");
        CliRun.Result verifyJson = cli.run("plot", "verify", "--json");
        assertThat(verifyJson.code()).isEqualTo(1);
        JsonNode report = json.readTree(verifyJson.out());
        assertThat(report.get(0).get("ok").asBoolean()).isFalse();
        assertThat(report.get(0).get("bad_capsules").get(0).get("capsule_index").asInt()).isEqualTo(1);
    }

    @Test
    void badInputIsExit2WithOneMessageAndChangesNothing() throws Exception {
        Path file = tmp.resolve("f.bin");
        Files.write(file, random(1000, 4));
        add("datastore", "add", file.toString());
        Map<String, Long> before = CliRun.tree(home);

        expectUsage(before, "no such file or directory", "datastore", "add", tmp.resolve("missing").toString());
        expectUsage(before, "/dev/null: not a regular file or directory", "datastore", "add", "/dev/null");
        expectUsage(before, "--capsule-size must be one of 256KiB, 1MiB, 4MiB, 16MiB, got '2MiB'",
                "datastore", "add", file.toString(), "--capsule-size", "2MiB");
        expectUsage(before, "--compression must be zstd or none, got 'lz4'",
                "datastore", "add", file.toString(), "--compression", "lz4");
        expectUsage(before, "--name must not be empty", "datastore", "add", file.toString(), "--name", " ");
        expectUsage(before, "datastore id '0x12zz' is not a 32-byte hex id: hex value has a non-hex character",
                "datastore", "show", "0x12zz");
        expectUsage(before, "is not a 32-byte hex id: expected 32 bytes", "datastore", "show", "0x1234");
        String unknown = "0x" + "ab".repeat(32);
        expectUsage(before, "unknown datastore " + unknown, "datastore", "show", unknown);
        expectUsage(before, "unknown plot " + unknown, "plot", "verify", unknown);
        expectUsage(before, "is not a plot file of this node", "plot", "verify", file.toString());
        expectUsage(before, "Missing required parameter: 'PATH'", "datastore", "add");
        expectUsage(before, "Unknown option: '--bogus'", "datastore", "list", "--bogus");
    }

    /**
     * A mode-000 file. CI runs as root, which reads every file through {@code CAP_DAC_OVERRIDE}; there the
     * command runs in a child process that is still uid 0 (so it reads its class path and the home) but
     * without {@code CAP_DAC_OVERRIDE} and {@code CAP_DAC_READ_SEARCH} ({@code setpriv}), so the file's
     * permission bits apply to it as to any user.
     */
    @Test
    void anUnreadableSourceIsExit2() throws Exception {
        Path secret = tmp.resolve("secret.bin");
        Files.write(secret, random(1000, 5));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Map<String, Long> before = CliRun.tree(home);
        CliRun.Result r = runWithoutFileReadPrivilege(secret, "datastore", "add", secret.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(secret + ": permission denied");
        assertThat(r.out()).isEmpty();
        assertThat(CliRun.tree(home)).as("files after the refused add").isEqualTo(before);
    }

    @Test
    void aDirectoryWithAnUnreadableFileIsRefusedAndLeavesNothing() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Files.write(site.resolve("a.bin"), random(5000, 6));
        Path secret = site.resolve("secret.bin");
        Files.write(secret, random(1000, 7));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Map<String, Long> before = CliRun.tree(home);
        CliRun.Result r = runWithoutFileReadPrivilege(secret, "datastore", "add", site.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(secret + ": permission denied");
        assertThat(r.out()).isEmpty();
        assertThat(CliRun.tree(home)).as("files after the refused add").isEqualTo(before);
    }

    /** In-process when {@code unreadable} really is unreadable to this process, else in a child without DAC capabilities. */
    private CliRun.Result runWithoutFileReadPrivilege(Path unreadable, String... args) throws Exception {
        if (!Files.isReadable(unreadable)) {
            return cli.run(args);
        }
        String dropped = "-dac_override,-dac_read_search";
        Path scratch = Files.createDirectories(tmp.resolve("child"));
        return cli.inChild(scratch, List.of("setpriv", "--bounding-set=" + dropped, "--inh-caps=" + dropped, "--"), List.of(), args);
    }

    @Test
    void readOnlyCommandsOnAnEmptyHomeCreateNothing() {
        Path fresh = tmp.resolve("fresh");
        CliRun other = new CliRun(fresh, Map.of());
        for (String[] args : List.of(new String[] {"datastore", "list"}, new String[] {"plot", "list"},
                new String[] {"plot", "verify"}, new String[] {"index", "rebuild"},
                new String[] {"datastore", "show", "0x" + "00".repeat(32)}, new String[] {"datastore", "show", "nothex"},
                new String[] {"datastore", "delete", "0x" + "00".repeat(32)})) {
            CliRun.Result r = other.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(fresh).as(String.join(" ", args)).doesNotExist();
        }
        assertThat(other.run("datastore", "list").err()).contains("no dig-node data in " + fresh).contains("dig-node init");
    }

    @Test
    void deleteRemovesOneDatastoreAndItsPlotAndRefusesWhatIsNotThere() throws Exception {
        Path one = tmp.resolve("one.bin");
        Path two = tmp.resolve("two.bin");
        Files.write(one, random(300 * 1024, 6));
        Files.write(two, random(200 * 1024, 7));
        String idOne = json.readTree(add("datastore", "add", one.toString(), "--json")).get("datastore_id").asText();
        String idTwo = json.readTree(add("datastore", "add", two.toString(), "--json")).get("datastore_id").asText();
        assertThat(plotFiles()).hasSize(2);

        CliRun.Result deleted = cli.run("datastore", "delete", idOne);
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(deleted.out()).startsWith("deleted " + idOne);
        JsonNode left = json.readTree(cli.run("datastore", "list", "--json").out());
        assertThat(left).hasSize(1);
        assertThat(left.get(0).get("datastore_id").asText()).isEqualTo(idTwo);
        assertThat(plotFiles()).as("the deleted datastore's own plot is gone").hasSize(1);
        assertThat(cli.run("plot", "verify").code()).isZero();
        CliRun.Result show = cli.run("datastore", "show", idTwo, "--json");
        assertThat(show.code()).isZero();

        Map<String, Long> before = CliRun.tree(home);
        expectUsage(before, "unknown datastore " + idOne, "datastore", "delete", idOne);
        expectUsage(before, "is not a 32-byte hex id", "datastore", "delete", "0x1234");
        expectUsage(before, "Missing required parameter: 'ID'", "datastore", "delete");
    }

    private List<Path> plotFiles() throws java.io.IOException {
        try (var files = Files.list(home.resolve("plots"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".plot")).toList();
        }
    }

    private void expectUsage(Map<String, Long> before, String message, String... args) {
        CliRun.Result r = cli.run(args);
        assertThat(r.code()).as("%s -> %s", String.join(" ", args), r.err()).isEqualTo(2);
        assertThat(r.err()).as(String.join(" ", args)).contains(message);
        assertThat(r.out()).as(String.join(" ", args)).isEmpty();
        assertThat(CliRun.tree(home)).as("files after %s", String.join(" ", args)).isEqualTo(before);
    }
}
