package net.dig.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** {@link MinuteHistory}: closed minutes of the injected clock, counter differences, an hour kept. */
class MinuteHistoryTest {
    private final ManualClock clock = new ManualClock();
    private final FakeSource source = new FakeSource();
    private final MinuteHistory history = new MinuteHistory(clock, source);

    @Test
    void aMinuteIsSampledOnlyOnceTheClockHasLeftIt() {
        source.add(1000, 10, 3);
        clock.advance(Duration.ofSeconds(59));
        history.tick();
        assertThat(samples()).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        history.tick();
        JsonArray s = samples();
        assertThat(s).hasSize(1);
        JsonObject first = s.getJsonObject(0);
        assertThat(first.getString("minute")).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(first.getLong("seconds")).isEqualTo(60);
        assertThat(first.getLong("http_bytes_out")).isEqualTo(1000);
        assertThat(first.getLong("requests")).isEqualTo(10);
        assertThat(first.getDouble("latency_mean_ms")).isEqualTo(3.0);
        assertThat(first.getDouble("latency_max_ms")).isEqualTo(7.0);
        assertThat(first.getLong("cache_hits")).isEqualTo(3);
        assertThat(first.getLong("cache_misses")).isEqualTo(1);
        assertThat(first.getDouble("cache_hit_ratio")).isEqualTo(0.75);
    }

    @Test
    void aLateTickClosesOneSampleForTheWholeGapAndAnIdleMinuteHasNoRatios() {
        source.add(500, 0, 0);
        clock.advance(Duration.ofMinutes(3).plusSeconds(5));
        history.tick();
        JsonObject only = samples().getJsonObject(0);
        assertThat(samples()).hasSize(1);
        assertThat(only.getLong("seconds")).isEqualTo(180);
        assertThat(only.getLong("http_bytes_out")).isEqualTo(500);
        assertThat(only.getValue("latency_mean_ms")).isNull();
        assertThat(only.getValue("cache_hit_ratio")).isNull();
    }

    @Test
    void theRingKeepsTheLastHour() {
        for (int i = 0; i < MinuteHistory.MINUTES + 5; i++) {
            source.add(i, 0, 0);
            clock.advance(Duration.ofMinutes(1));
            history.tick();
        }
        JsonArray s = samples();
        assertThat(s).hasSize(MinuteHistory.MINUTES);
        assertThat(s.getJsonObject(0).getLong("http_bytes_out")).isEqualTo(5);
        assertThat(s.getJsonObject(MinuteHistory.MINUTES - 1).getLong("http_bytes_out")).isEqualTo(MinuteHistory.MINUTES + 4);
    }

    private JsonArray samples() {
        return history.json().getJsonArray("samples");
    }

    private static final class FakeSource implements MinuteHistory.Source {
        private long out;
        private long requests;
        private long latencyNanos;
        private long hits;
        private long misses;
        private long max;

        /** {@code bytes} sent by {@code n} requests of 1..5 ms (mean 3, max 7 when n = 10) with {@code h} cache hits. */
        void add(long bytes, int n, int h) {
            out += bytes;
            requests += n;
            if (n > 0) {
                latencyNanos += 3_000_000L * n;
                max = Math.max(max, 7_000_000L);
                hits += h;
                misses += 1;
            }
        }

        @Override
        public MinuteHistory.Counters counters() {
            return new MinuteHistory.Counters(out, 0, 0, 0, requests, latencyNanos, hits, misses);
        }

        @Override
        public long takeLatencyMaxNanos() {
            long m = max;
            max = 0;
            return m;
        }
    }
}
