package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dig.testkit.FileTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index records plot paths relative to the data directory, so a home copied ({@code cp -a}) or
 * moved elsewhere lists each plot once, at its new place; an index written with absolute paths is
 * migrated; plots in a directory outside the home keep absolute paths.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MovedHomeCliTest {
    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aCopiedHomeListsEachPlotOnceAtItsNewPlace() throws Exception {
        Path home = populated(tmp.resolve("home"));
        JsonNode stores = json.readTree(new CliRun(home, Map.of()).run("datastore", "list", "--json").out());
        assertThat(rawPlotPaths(home)).allMatch(p -> !p.startsWith("/")).hasSize(2);
        Path copy = tmp.resolve("copy");
        FileTrees.copy(home, copy);
        expectPlotsUnder(copy, stores);
    }

    @Test
    void anIndexWithAbsolutePathsIsMigratedAndStillWorksWhenCopied() throws Exception {
        Path home = populated(tmp.resolve("home"));
        JsonNode stores = json.readTree(new CliRun(home, Map.of()).run("datastore", "list", "--json").out());
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.sqlite")); var s = db.createStatement()) {
            String prefix = "'" + home + "/' || ";
            s.execute("UPDATE plots SET path = " + prefix + "path WHERE path NOT LIKE '/%'");
            s.execute("UPDATE capsules SET plot_path = " + prefix + "plot_path WHERE plot_path NOT LIKE '/%'");
            s.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
        }
        assertThat(rawPlotPaths(home)).allMatch(p -> p.startsWith(home.toString()));
        Path copy = tmp.resolve("copy");
        FileTrees.copy(home, copy);
        expectPlotsUnder(copy, stores);
        expectPlotsUnder(home, stores);
        assertThat(rawPlotPaths(home)).allMatch(p -> !p.startsWith("/"));
    }

    @Test
    void plotsOutsideTheHomeKeepAbsolutePaths() throws Exception {
        Path home = tmp.resolve("home");
        Path outside = tmp.resolve("disk2");
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("--plots", outside.toString(), "init").code()).isZero();
        Path file = tmp.resolve("f.bin");
        Files.write(file, new byte[3000]);
        assertThat(cli.run("--plots", outside.toString(), "datastore", "add", file.toString()).code()).isZero();
        assertThat(rawPlotPaths(home)).singleElement().asString().startsWith(outside + "/");
        JsonNode plots = json.readTree(cli.run("--plots", outside.toString(), "plot", "list", "--json").out());
        assertThat(plots.findValuesAsText("status")).containsExactly("ok");
    }

    private void expectPlotsUnder(Path home, JsonNode stores) throws Exception {
        CliRun cli = new CliRun(home, Map.of());
        CliRun.Result list = cli.run("plot", "list", "--json");
        assertThat(list.code()).as(list.err()).isZero();
        JsonNode plots = json.readTree(list.out());
        assertThat(plots).as(list.out()).hasSize(2);
        assertThat(plots.findValuesAsText("status")).containsOnly("ok");
        assertThat(plots.findValuesAsText("path")).allMatch(p -> p.startsWith(home.resolve("plots") + "/"));
        assertThat(json.readTree(cli.run("datastore", "list", "--json").out())).isEqualTo(stores);
        assertThat(cli.run("plot", "verify").code()).isZero();
    }

    private static Path populated(Path home) throws Exception {
        CliRun cli = new CliRun(home, Map.of());
        assertThat(cli.run("init").code()).isZero();
        cli.addRandomFiles(home.getParent(), 2, 20_000);
        return home;
    }

    private static List<String> rawPlotPaths(Path home) throws Exception {
        List<String> out = new ArrayList<>();
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.sqlite")); var s = db.createStatement();
             var rs = s.executeQuery("SELECT path FROM plots UNION ALL SELECT DISTINCT plot_path FROM capsules")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out.stream().distinct().toList();
    }
}
