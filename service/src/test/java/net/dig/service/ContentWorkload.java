package net.dig.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The simulated workload behind {@link ContentValueModel}: draws datastores, what a node observes of each
 * before fetching it, and whether it was worth keeping; fits the model's weights; writes the labelled
 * trace the tests evaluate it on.
 *
 * <h2>The workload</h2>
 * {@code n} datastores; datastore {@code i} of a random popularity rank {@code r} has a true read rate of
 * {@code 300 · r^-0.9} per hour (Zipf 0.9) across the network, decaying with age as
 * {@code exp(-age / 1 year)}; ages are uniform over three years, sizes log-uniform from 1 MiB to 64 GiB,
 * the holders already known Poisson(2.5) distributed. The node observes a request rate over one hour (a
 * Poisson draw of the decayed rate, so it is noisy) and the holders.
 *
 * <h2>The label</h2>
 * Worth keeping when {@code benefit > cost}: {@code benefit} = the reads over the next 24 hours (decayed
 * true rate) divided among {@code 1 + holders}, plus 40 when fewer than three holders exist (a replica
 * that keeps the datastore alive); {@code cost} = 20 per GiB stored.
 *
 * <h2>Trace format</h2>
 * CSV with a header: {@code requests_per_hour,holders_known,size_bytes,age_seconds,keep} (keep 0 or 1).
 *
 * <p>{@code main} fits on the seed-1 workload and writes the seed-2 workload as the held-out trace
 * {@code content-value-trace.csv} under the given test resource directory.
 */
final class ContentWorkload {
    record Row(double requestsPerHour, int holdersKnown, long sizeBytes, long ageSeconds, boolean keep) {
        double[] features() {
            return new double[] {ContentValueModel.demand(requestsPerHour), ContentValueModel.scarcity(holdersKnown),
                    ContentValueModel.size(sizeBytes), ContentValueModel.age(ageSeconds * 1000)};
        }
    }

    static final String TRACE = "content-value-trace.csv";
    static final String HEADER = "requests_per_hour,holders_known,size_bytes,age_seconds,keep";

    private ContentWorkload() {}

    static List<Row> generate(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int rank = 1 + random.nextInt(n);
            long ageSeconds = (long) (random.nextDouble() * 3 * 365 * 86_400);
            double rate = 300 * Math.pow(rank, -0.9) * Math.exp(-ageSeconds / (365.0 * 86_400));
            long size = (long) (Math.pow(2, 20 + random.nextDouble() * 16));
            int holders = poisson(random, 2.5);
            int observed = poisson(random, rate);
            double benefit = rate * 24 / (1 + holders) + (holders < 3 ? 40 : 0);
            double cost = 20 * size / (double) (1L << 30);
            rows.add(new Row(observed, holders, size, ageSeconds, benefit > cost));
        }
        return rows;
    }

    private static int poisson(SplittableRandom random, double mean) {
        if (mean > 50) {
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
        }
        double limit = Math.exp(-mean);
        double p = 1;
        int k = -1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > limit);
        return k;
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** Logistic regression by batch gradient descent: {@code [bias, demand, scarcity, size, age]}. */
    static double[] fit(List<Row> rows, int iterations, double rate) {
        double[] w = new double[5];
        for (int it = 0; it < iterations; it++) {
            double[] grad = new double[5];
            for (Row r : rows) {
                double[] f = r.features();
                double z = w[0];
                for (int j = 0; j < 4; j++) {
                    z += w[j + 1] * f[j];
                }
                double err = 1 / (1 + Math.exp(-z)) - (r.keep() ? 1 : 0);
                grad[0] += err;
                for (int j = 0; j < 4; j++) {
                    grad[j + 1] += err * f[j];
                }
            }
            for (int j = 0; j < 5; j++) {
                w[j] -= rate * grad[j] / rows.size();
            }
        }
        return w;
    }

    static String csv(List<Row> rows) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d%n", (long) r.requestsPerHour(), r.holdersKnown(),
                    r.sizeBytes(), r.ageSeconds(), r.keep() ? 1 : 0));
        }
        return out.toString();
    }

    static List<Row> parse(String csv) {
        List<Row> rows = new ArrayList<>();
        for (String line : csv.split("\n")) {
            if (line.isBlank() || line.equals(HEADER)) {
                continue;
            }
            String[] f = line.strip().split(",");
            rows.add(new Row(Double.parseDouble(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    f[4].equals("1")));
        }
        return rows;
    }

    /** Fits on seed 1, prints the weights and writes the seed-2 trace into {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        double[] w = fit(generate(1, 20_000), 20_000, 2.0);
        System.out.printf(Locale.ROOT, "bias %.2f demand %.2f scarcity %.2f size %.2f age %.2f%n", w[0], w[1], w[2], w[3], w[4]);
        Files.writeString(Path.of(args[0]).resolve(TRACE), csv(generate(2, 2_000)), StandardCharsets.UTF_8);
    }
}
