package net.dig.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import net.dig.gossip.DhtLookupResult;

/**
 * The figures of one {@link DhtScenario} run.
 *
 * @param successPercent       measured lookups that returned a live holder, in % of those measured
 * @param unmeasured           lookups skipped because every holder of the drawn datastore had left
 * @param roundsP50            rounds of alpha requests per lookup (the longest chain of dependent requests), median
 * @param requestsP50          requests sent per lookup, median
 * @param readyP50Millis       time until a new datastore has R holders announced and a lookup returns all R, median
 * @param notReady             datastores whose check lookup did not return R providers
 * @param storedMean           mean over datastores of acknowledged ADD_PROVIDERs (R holders times up to k nodes)
 */
public record DhtReport(DhtSpec spec, int lookups, int succeeded, int failed, int unmeasured, double successPercent,
                        int roundsP50, int roundsP99, int roundsMax, int requestsP50, int requestsP99, double timeoutsMean,
                        long readyP50Millis, long readyP99Millis, int notReady, double storedMean, int nodesGone,
                        int nodesAtEnd, long messages, long penalties, double elapsedSeconds) {

    static DhtReport of(DhtSpec spec, List<DhtLookupResult> results, int succeeded, int failed, int unmeasured,
                        long[] readyMillis, int[] stored, int gone, DhtNetwork net, double elapsedSeconds) {
        int measured = succeeded + failed;
        int[] rounds = sorted(results, DhtLookupResult::rounds);
        int[] requests = sorted(results, DhtLookupResult::requests);
        long[] ready = Arrays.stream(readyMillis).filter(m -> m >= 0).sorted().toArray();
        int up = 0;
        for (int i = 0; i < net.size(); i++) {
            up += net.isUp(i) ? 1 : 0;
        }
        return new DhtReport(spec, spec.lookups(), succeeded, failed, unmeasured,
                measured == 0 ? 0 : 100.0 * succeeded / measured,
                percentile(rounds, 0.50), percentile(rounds, 0.99), rounds.length == 0 ? 0 : rounds[rounds.length - 1],
                percentile(requests, 0.50), percentile(requests, 0.99),
                results.stream().mapToInt(DhtLookupResult::timeouts).average().orElse(0),
                percentile(ready, 0.50), percentile(ready, 0.99), readyMillis.length - ready.length,
                Arrays.stream(stored).average().orElse(0), gone, up, net.messages(), net.penalties(), elapsedSeconds);
    }

    private static int[] sorted(List<DhtLookupResult> results, ToIntFunction<DhtLookupResult> f) {
        return results.stream().mapToInt(f).sorted().toArray();
    }

    private static int index(int length, double q) {
        return Math.max(0, (int) Math.min(length - 1, Math.ceil(q * length) - 1));
    }

    private static int percentile(int[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[index(sorted.length, q)];
    }

    private static long percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[index(sorted.length, q)];
    }

    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"scenario\":\"dht\",\"nodes\":%d,\"seed\":%d,\"churn_percent\":%.1f,\"datastores\":%d,\"replicas\":%d,"
                        + "\"lookups\":%d,\"succeeded\":%d,\"failed\":%d,\"unmeasured\":%d,\"success_percent\":%.3f,"
                        + "\"rounds_p50\":%d,\"rounds_p99\":%d,\"rounds_max\":%d,\"requests_p50\":%d,\"requests_p99\":%d,"
                        + "\"timeouts_mean\":%.2f,\"ready_p50_ms\":%d,\"ready_p99_ms\":%d,\"not_ready\":%d,\"stored_mean\":%.1f,"
                        + "\"nodes_gone\":%d,\"nodes_at_end\":%d,\"messages\":%d,\"penalties\":%d,\"elapsed_seconds\":%.2f}",
                spec.nodes(), spec.seed(), 100 * spec.churn(), spec.datastores(), spec.replicas(), lookups, succeeded, failed,
                unmeasured, successPercent, roundsP50, roundsP99, roundsMax, requestsP50, requestsP99, timeoutsMean,
                readyP50Millis, readyP99Millis, notReady, storedMean, nodesGone, nodesAtEnd, messages, penalties, elapsedSeconds);
    }

    public static String csvHeader() {
        return "scenario,nodes,seed,churn_percent,replicas,success_percent,rounds_p50,rounds_p99,requests_p50,requests_p99,"
                + "ready_p50_ms,ready_p99_ms,not_ready,messages";
    }

    public String toCsvRow() {
        return String.format(Locale.ROOT, "dht,%d,%d,%.1f,%d,%.3f,%d,%d,%d,%d,%d,%d,%d,%d", spec.nodes(), spec.seed(),
                100 * spec.churn(), spec.replicas(), successPercent, roundsP50, roundsP99, requestsP50, requestsP99,
                readyP50Millis, readyP99Millis, notReady, messages);
    }

    public String toTable() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "scenario dht, %d nodes, seed %d, %.0f %% churn (%d left, as many joined), k %d, alpha %d%n",
                spec.nodes(), spec.seed(), 100 * spec.churn(), nodesGone, spec.dht().k(), spec.dht().alpha()));
        b.append(String.format(Locale.ROOT, "%d datastores with R = %d holders, %d lookups, run took %.1f s%n%n",
                spec.datastores(), spec.replicas(), lookups, elapsedSeconds));
        row(b, "lookup success %", String.format(Locale.ROOT, "%.3f (%d of %d; %d unmeasured, no live holder)",
                successPercent, succeeded, succeeded + failed, unmeasured));
        row(b, "rounds p50 / p99 / max", roundsP50 + " / " + roundsP99 + " / " + roundsMax);
        row(b, "requests p50 / p99", requestsP50 + " / " + requestsP99);
        row(b, "timeouts per lookup", String.format(Locale.ROOT, "%.2f", timeoutsMean));
        row(b, "R holders p50 / p99 ms", readyP50Millis + " / " + readyP99Millis + (notReady > 0 ? " (" + notReady + " not ready)" : ""));
        row(b, "records stored per datastore", String.format(Locale.ROOT, "%.1f", storedMean));
        row(b, "messages", Long.toString(messages));
        row(b, "penalties", Long.toString(penalties));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format(Locale.ROOT, "%-30s %s%n", name, value));
    }
}
