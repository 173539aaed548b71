package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code index rebuild} rebuilds the index from the plots whatever state it is in (missing, truncated,
 * garbage, another schema), setting a damaged file aside instead of deleting it; every other command on
 * a damaged index fails with exit 4 and names the command that repairs it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IndexRepairCliTest {
    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();
    private Path home;
    private Path index;
    private CliRun cli;
    private JsonNode stores;

    @BeforeEach
    void populate() throws Exception {
        home = tmp.resolve("home");
        index = home.resolve("index.sqlite");
        cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        cli.addRandomFiles(tmp, 2, 300 * 1024, "--capsule-size", "256KiB");
        stores = json.readTree(cli.run("datastore", "list", "--json").out());
        assertThat(stores).hasSize(2);
    }

    @Test
    void aMissingIndexIsRebuilt() throws Exception {
        Files.delete(index);
        CliRun.Result list = cli.run("plot", "list");
        assertThat(list.code()).as(list.err()).isEqualTo(ExitCodes.INDEX_CORRUPT);
        assertThat(list.err()).contains("is missing").contains("dig-node --data-dir " + home + " index rebuild");
        assertThat(index).doesNotExist();
        rebuildsAndListsTheSameDatastores();
        assertThat(asideFiles()).isEmpty();
    }

    @Test
    void aTruncatedIndexIsSetAsideAndRebuilt() throws Exception {
        long size = Files.size(index);
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
            ch.truncate(size / 2);
        }
        damagedIndexIsRefusedThenRepaired();
    }

    @Test
    void aGarbageIndexIsSetAsideAndRebuilt() throws Exception {
        byte[] garbage = new byte[64 * 1024];
        new Random(7).nextBytes(garbage);
        Files.write(index, garbage);
        damagedIndexIsRefusedThenRepaired();
    }

    @Test
    void anIndexOfAnotherSchemaIsSetAsideAndRebuilt() throws Exception {
        Files.delete(index);
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + index); var s = db.createStatement()) {
            s.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.execute("INSERT INTO meta VALUES('schema_version', '99')");
        }
        damagedIndexIsRefusedThenRepaired();
    }

    @Test
    void anotherProgramsDatabaseIsSetAsideUntouchedAndRebuilt() throws Exception {
        Files.delete(index);
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + index); var s = db.createStatement()) {
            s.execute("CREATE TABLE songs(title TEXT)");
            s.execute("INSERT INTO songs VALUES('one')");
        }
        damagedIndexIsRefusedThenRepaired();
    }

    @Test
    void startOnADamagedIndexNamesTheRepairCommand() throws Exception {
        Files.write(index, "not a database at all, but long enough to look like one to a careless reader".repeat(100).getBytes());
        Map<String, Long> before = CliRun.tree(home);
        CliRun.Result start = cli.run("--set", "api.listen_address=127.0.0.1:0", "--set", "network.listen_address=127.0.0.1:0",
                "--set", "monitoring.metrics_port=0", "start");
        assertThat(start.code()).as(start.err()).isEqualTo(ExitCodes.INDEX_CORRUPT);
        assertThat(start.err()).contains(index.toString()).contains("dig-node --data-dir " + home + " index rebuild");
        assertThat(CliRun.tree(home)).as("the failed start left the home as it was").isEqualTo(before);
    }

    @Test
    void aHomeWithoutAKeyIsNotRebuilt() throws Exception {
        Path empty = tmp.resolve("typo");
        CliRun.Result r = new CliRun(empty, Map.of()).run("index", "rebuild");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("node.key").contains("init");
        assertThat(empty).doesNotExist();
    }

    private void damagedIndexIsRefusedThenRepaired() throws Exception {
        byte[] damaged = Files.readAllBytes(index);
        CliRun.Result list = cli.run("datastore", "list");
        assertThat(list.code()).as("list on a damaged index: %s", list.err()).isEqualTo(ExitCodes.INDEX_CORRUPT);
        assertThat(list.err()).contains(index.toString()).contains("index rebuild");
        assertThat(Files.readAllBytes(index)).as("a refused command leaves the damaged file as it was").isEqualTo(damaged);

        rebuildsAndListsTheSameDatastores();
        List<Path> aside = asideFiles();
        assertThat(aside).as("the damaged file is kept beside the new index").hasSize(1);
        assertThat(Files.readAllBytes(aside.getFirst())).isEqualTo(damaged);
        assertThat(aside.getFirst().getFileName().toString()).matches("index\\.sqlite\\.corrupt-\\d{8}T\\d{6}Z");
    }

    private void rebuildsAndListsTheSameDatastores() throws Exception {
        CliRun.Result rebuild = cli.run("index", "rebuild");
        assertThat(rebuild.code()).as(rebuild.err()).isZero();
        assertThat(rebuild.out()).contains("from 2 plot(s): 2 datastore(s)");
        CliRun.Result list = cli.run("datastore", "list", "--json");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(json.readTree(list.out())).isEqualTo(stores);
    }

    private List<Path> asideFiles() throws Exception {
        try (Stream<Path> s = Files.list(home)) {
            return s.filter(p -> p.getFileName().toString().startsWith("index.sqlite.corrupt-")).sorted().toList();
        }
    }
}
