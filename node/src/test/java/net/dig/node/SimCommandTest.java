package net.dig.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimCommandTest {
    @TempDir
    Path tmp;

    private CliRun.Result sim(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "sim";
        System.arraycopy(args, 0, all, 1, args.length);
        return new CliRun(tmp.resolve("unused"), Map.of()).run(all);
    }

    @Test
    void printsATableAJsonObjectOrCsvAndTheSameSeedGivesTheSameFigures() {
        CliRun.Result table = sim("--nodes", "40", "--seed", "9", "--scenario", "failure");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("scenario failure, 40 nodes, seed 9").contains("reliability %")
                .contains("RMR").contains("bytes vs flood %").contains("latency p99 ms");

        CliRun.Result json = sim("--nodes", "40", "--seed", "9", "--scenario", "failure", "--json");
        assertThat(json.code()).isZero();
        assertThat(json.out().strip()).startsWith("{\"scenario\":\"failure\",\"nodes\":40,\"seed\":9,").endsWith("}")
                .contains("\"plumtree\":{\"reliability_percent\":100.000");
        CliRun.Result again = sim("--nodes", "40", "--seed", "9", "--scenario", "failure", "--json");
        assertThat(withoutElapsed(again.out())).isEqualTo(withoutElapsed(json.out()));

        CliRun.Result csv = sim("--nodes", "20", "--seed", "3", "--scenario", "byzantine", "--csv");
        assertThat(csv.code()).isZero();
        assertThat(csv.out().lines().toList()).hasSize(3);
        assertThat(csv.out()).startsWith("scenario,nodes,seed,protocol,").contains("\nbyzantine,20,3,plumtree,")
                .contains("\nbyzantine,20,3,flood,");
    }

    @Test
    void badArgumentsExitWithUsageAndAReason() {
        CliRun.Result unknown = sim("--scenario", "meltdown", "--nodes", "10");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("unknown scenario 'meltdown'");
        CliRun.Result tooFew = sim("--nodes", "1");
        assertThat(tooFew.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooFew.err()).contains("at least 2 nodes");
        CliRun.Result both = sim("--nodes", "10", "--json", "--csv");
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("--json and --csv are exclusive");
        CliRun.Result oddDegree = sim("--nodes", "10", "--degree", "7");
        assertThat(oddDegree.err()).contains("even number");
    }

    @Test
    void theErlayScenarioReportsBytesAndLatencyAgainstFlooding() {
        CliRun.Result table = sim("--scenario", "erlay", "--nodes", "40", "--outbound", "3", "--broadcasts", "10",
                "--interval-ms", "50", "--seed", "2");
        assertThat(table.code()).isEqualTo(ExitCodes.OK);
        assertThat(table.out()).contains("ERLAY vs flooding: 40 nodes, 3 outbound each, 10 transactions every 50 ms, seed 2")
                .contains("announcement bytes, ERLAY / flooding:");
        CliRun.Result json = sim("--scenario", "erlay", "--nodes", "40", "--outbound", "3", "--broadcasts", "10", "--json");
        assertThat(json.out()).startsWith("{\"scenario\":\"erlay\",\"nodes\":40,\"outbound\":3,").contains("\"byte_ratio\":");
        CliRun.Result csv = sim("--scenario", "erlay", "--nodes", "40", "--csv");
        assertThat(csv.code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void theDhtScenarioReportsLookupsRoundsAndTimeToRHolders() {
        CliRun.Result table = sim("--scenario", "dht", "--nodes", "60", "--seed", "4", "--datastores", "10", "--lookups", "50");
        assertThat(table.code()).isEqualTo(ExitCodes.OK);
        assertThat(table.out()).contains("scenario dht, 60 nodes, seed 4, 20 % churn (12 left, as many joined)")
                .contains("lookup success %").contains("rounds p50 / p99").contains("R holders p50 / p99 ms");
        CliRun.Result json = sim("--scenario", "dht", "--nodes", "60", "--seed", "4", "--datastores", "10", "--lookups", "50", "--json");
        CliRun.Result again = sim("--scenario", "dht", "--nodes", "60", "--seed", "4", "--datastores", "10", "--lookups", "50", "--json");
        assertThat(json.out()).startsWith("{\"scenario\":\"dht\",\"nodes\":60,\"seed\":4,").contains("\"replicas\":5");
        assertThat(withoutElapsed(again.out())).isEqualTo(withoutElapsed(json.out()));
        CliRun.Result csv = sim("--scenario", "dht", "--nodes", "30", "--datastores", "5", "--lookups", "10", "--csv");
        assertThat(csv.out()).startsWith("scenario,nodes,seed,churn_percent,").contains("\ndht,30,1,20.0,5,");
        CliRun.Result tooMany = sim("--scenario", "dht", "--nodes", "10", "--replicas", "11");
        assertThat(tooMany.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooMany.err()).contains("replicas must be 1..10");
    }

    @Test
    void theDandelionScenarioReportsFirstSpyPrecisionWithAndWithout() {
        CliRun.Result table = sim("--scenario", "dandelion", "--nodes", "40", "--seed", "2", "--degree", "4", "--transactions", "10");
        assertThat(table.code()).isEqualTo(ExitCodes.OK);
        assertThat(table.out()).contains("dandelion: 40 nodes, 4 outbound each, 4 spies (10 %), 10 transactions, seed 2")
                .contains("flooding").contains("dandelion++");
        CliRun.Result json = sim("--scenario", "dandelion", "--nodes", "40", "--seed", "2", "--degree", "4", "--transactions", "10", "--json");
        assertThat(json.out()).startsWith("{\"scenario\":\"dandelion\",\"nodes\":40,\"outbound\":4,\"spies\":4,");
        CliRun.Result bad = sim("--scenario", "dandelion", "--nodes", "40", "--spies", "1.5");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("spy fraction");
    }

    private static String withoutElapsed(String json) {
        return json.replaceAll("\"elapsed_seconds\":[0-9.]+", "");
    }
}
