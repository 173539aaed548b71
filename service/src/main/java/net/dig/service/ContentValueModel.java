package net.dig.service;

/**
 * The built-in content scorer {@code content_value_model_v2}: a logistic model over four features of a
 * datastore that are known before it is fetched. Nothing else is computed; there is no hidden state.
 *
 * <h2>Features (each in [0, 1])</h2>
 * <pre>
 *   demand    min(1, ln(1 + requests_per_hour) / ln(1 + 1000))       reads of it asked of this node
 *   scarcity  1 / (1 + holders_known)                                  1 when no other holder is known
 *   size      min(1, ln(1 + size_MiB) / ln(1 + 65536))                 1 at 64 GiB and above
 *   age       min(1, max(0, now - creation_time) / 365 days)           1 at a year and older
 * </pre>
 *
 * <h2>Score</h2>
 * {@code score = 1 / (1 + exp(-(bias + w_demand·demand + w_scarcity·scarcity + w_size·size + w_age·age)))},
 * with the weights of {@link #standard()}. They were fitted by logistic regression (batch gradient
 * descent, {@code ContentWorkload} in the service module's tests, which also draws the simulated
 * workload and its labels and evaluates the model on a held-out labelled trace; docs/decisions.md
 * D62b): a datastore is labelled worth keeping when the reads this node would serve over the next day,
 * shared among its holders, plus a durability bonus for one with fewer than three holders, outweigh the
 * cost of the bytes it takes. The threshold is {@code node.selective.score_threshold}.
 *
 * <p>Immutable and thread-safe.
 */
public record ContentValueModel(double bias, double demandWeight, double scarcityWeight, double sizeWeight,
                                double ageWeight) implements ContentScorer {
    public static final String NAME = "content_value_model_v2";
    static final double MAX_REQUESTS_PER_HOUR = 1000;
    static final double MAX_SIZE_MIB = 65536;
    static final double YEAR_MILLIS = 365 * 86_400_000.0;

    /**
     * The weights fitted on the seed-1 workload of 20,000 datastores (20,000 iterations, step 2.0):
     * bias 1.53, demand 6.37, scarcity 7.20, size -7.94, age -0.71.
     */
    public static ContentValueModel standard() {
        return new ContentValueModel(BIAS, DEMAND, SCARCITY, SIZE, AGE);
    }

    static final double BIAS = 1.53;
    static final double DEMAND = 6.37;
    static final double SCARCITY = 7.20;
    static final double SIZE = -7.94;
    static final double AGE = -0.71;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double score(HoldingCandidate c, long nowMillis) {
        return score(features(c, nowMillis));
    }

    /** The score of a feature vector {@code [demand, scarcity, size, age]}. */
    double score(double[] f) {
        double z = bias + demandWeight * f[0] + scarcityWeight * f[1] + sizeWeight * f[2] + ageWeight * f[3];
        return 1 / (1 + Math.exp(-z));
    }

    /** The features {@code [demand, scarcity, size, age]} of a candidate at {@code nowMillis}. */
    static double[] features(HoldingCandidate c, long nowMillis) {
        return new double[] {
                demand(c.demand().requestsPerHour()),
                scarcity(c.demand().holdersKnown()),
                size(c.totalSize()),
                age(nowMillis - c.creationTimeSeconds() * 1000)};
    }

    static double demand(double requestsPerHour) {
        return Math.min(1, Math.log1p(requestsPerHour) / Math.log1p(MAX_REQUESTS_PER_HOUR));
    }

    static double scarcity(int holdersKnown) {
        return 1.0 / (1 + holdersKnown);
    }

    static double size(long bytes) {
        return Math.min(1, Math.log1p(bytes / 1048576.0) / Math.log1p(MAX_SIZE_MIB));
    }

    static double age(long ageMillis) {
        return Math.min(1, Math.max(0, ageMillis) / YEAR_MILLIS);
    }
}
