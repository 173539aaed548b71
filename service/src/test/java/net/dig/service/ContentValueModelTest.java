package net.dig.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.dig.core.Bytes32;
import org.junit.jupiter.api.Test;

/**
 * {@code content_value_model_v2}: each feature's formula and direction, the logistic score and the
 * threshold, and on the held-out labelled trace of {@link ContentWorkload} a precision and recall that
 * keeping everything, or keeping by demand alone, does not reach.
 */
class ContentValueModelTest {
    private static final long NOW = 400L * 86_400_000;
    private static final ContentValueModel MODEL = ContentValueModel.standard();

    private static HoldingCandidate candidate(double rph, int holders, long size, long createdSeconds) {
        return new HoldingCandidate(Bytes32.fromHex("01".repeat(32)), Bytes32.fromHex("02".repeat(32)), Optional.empty(),
                List.of(), OptionalInt.empty(), size, createdSeconds, false, new HoldingCandidate.Demand(rph, holders));
    }

    @Test
    void demandIsTheLogOfTheRequestRateCappedAtAThousandPerHour() {
        assertThat(ContentValueModel.demand(0)).isZero();
        assertThat(ContentValueModel.demand(1000)).isEqualTo(1.0);
        assertThat(ContentValueModel.demand(1e6)).isEqualTo(1.0);
        assertThat(ContentValueModel.demand(31)).isCloseTo(Math.log(32) / Math.log(1001), within(1e-12));
        assertThat(MODEL.score(candidate(100, 2, 1 << 20, 0), NOW)).isGreaterThan(MODEL.score(candidate(1, 2, 1 << 20, 0), NOW));
    }

    @Test
    void scarcityIsOneOverOnePlusTheHoldersKnown() {
        assertThat(ContentValueModel.scarcity(0)).isEqualTo(1.0);
        assertThat(ContentValueModel.scarcity(3)).isEqualTo(0.25);
        assertThat(MODEL.score(candidate(1, 0, 1 << 20, 0), NOW)).isGreaterThan(MODEL.score(candidate(1, 5, 1 << 20, 0), NOW));
    }

    @Test
    void sizeIsTheLogOfMebibytesCappedAt64GiB() {
        assertThat(ContentValueModel.size(0)).isZero();
        assertThat(ContentValueModel.size(64L << 30)).isEqualTo(1.0);
        assertThat(ContentValueModel.size(1L << 40)).isEqualTo(1.0);
        assertThat(ContentValueModel.size(1 << 20)).isCloseTo(Math.log(2) / Math.log(65537), within(1e-12));
        assertThat(MODEL.score(candidate(10, 1, 1L << 30, 0), NOW)).isLessThan(MODEL.score(candidate(10, 1, 1 << 20, 0), NOW));
    }

    @Test
    void ageIsTheFractionOfAYearSinceCreationNeverNegative() {
        assertThat(ContentValueModel.age(-5)).isZero();
        assertThat(ContentValueModel.age((long) ContentValueModel.YEAR_MILLIS / 2)).isCloseTo(0.5, within(1e-12));
        assertThat(ContentValueModel.age(10 * (long) ContentValueModel.YEAR_MILLIS)).isEqualTo(1.0);
        long created = NOW / 1000;
        assertThat(MODEL.score(candidate(10, 1, 1 << 20, created), NOW))
                .isGreaterThan(MODEL.score(candidate(10, 1, 1 << 20, 0), NOW));
    }

    @Test
    void theScoreIsTheLogisticOfTheWeightedSum() {
        double[] f = {0.5, 0.25, 0.1, 1.0};
        double z = ContentValueModel.BIAS + ContentValueModel.DEMAND * 0.5 + ContentValueModel.SCARCITY * 0.25
                + ContentValueModel.SIZE * 0.1 + ContentValueModel.AGE;
        assertThat(MODEL.score(f)).isCloseTo(1 / (1 + Math.exp(-z)), within(1e-12));
        assertThat(MODEL.score(new double[] {0, 0, 0, 0})).isCloseTo(1 / (1 + Math.exp(-ContentValueModel.BIAS)), within(1e-12));
        assertThat(ContentScorer.named("content_value_model_v2")).contains(MODEL);
        assertThat(ContentScorer.named("gpt")).isEmpty();
    }

    @Test
    void theThresholdSplitsKeptFromRefusedInASelectivePolicy() {
        HoldingCandidate c = candidate(5, 2, 100L << 20, 0);
        double s = MODEL.score(c, NOW);
        net.dig.testkit.ManualClock clock = new net.dig.testkit.ManualClock(NOW);
        assertThat(new SelectivePolicy(List.of(), List.of(), 0, Optional.of(MODEL), s, clock).decide(c).keep()).isTrue();
        assertThat(new SelectivePolicy(List.of(), List.of(), 0, Optional.of(MODEL), Math.nextUp(s), clock).decide(c).reason())
                .isEqualTo(HoldingPolicy.Reason.LOW_SCORE);
    }

    @Test
    void theCheckedInTraceIsWhatTheGeneratorDraws() throws IOException {
        assertThat(trace()).isEqualTo(ContentWorkload.csv(ContentWorkload.generate(2, 2_000)));
    }

    @Test
    void onTheLabelledTraceTheModelKeepsWhatItShouldWithHighPrecisionAndRecall() throws IOException {
        List<ContentWorkload.Row> rows = ContentWorkload.parse(trace());
        Quality model = quality(rows, r -> MODEL.score(r.features()) >= 0.5);
        Quality keepAll = quality(rows, r -> true);
        Quality demandOnly = quality(rows, r -> r.requestsPerHour() >= 1);
        System.out.printf(java.util.Locale.ROOT, "content_value_model_v2 on %d rows: precision %.3f recall %.3f;"
                + " keep-all precision %.3f; demand-only precision %.3f recall %.3f%n", rows.size(), model.precision(),
                model.recall(), keepAll.precision(), demandOnly.precision(), demandOnly.recall());
        assertThat(model.precision()).isGreaterThan(0.9);
        assertThat(model.recall()).isGreaterThan(0.75);
        assertThat(model.precision()).isGreaterThan(keepAll.precision() + 0.2);
        assertThat(model.f1()).isGreaterThan(demandOnly.f1());
    }

    record Quality(int tp, int fp, int fn) {
        double precision() {
            return tp / (double) (tp + fp);
        }

        double recall() {
            return tp / (double) (tp + fn);
        }

        double f1() {
            return 2 * precision() * recall() / (precision() + recall());
        }
    }

    private static Quality quality(List<ContentWorkload.Row> rows, java.util.function.Predicate<ContentWorkload.Row> keep) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (ContentWorkload.Row r : rows) {
            boolean k = keep.test(r);
            if (k && r.keep()) {
                tp++;
            } else if (k) {
                fp++;
            } else if (r.keep()) {
                fn++;
            }
        }
        return new Quality(tp, fp, fn);
    }

    private static String trace() throws IOException {
        try (InputStream in = ContentValueModelTest.class.getResourceAsStream(ContentWorkload.TRACE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
