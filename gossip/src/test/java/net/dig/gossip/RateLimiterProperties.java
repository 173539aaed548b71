package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.dig.proptest.Gen;
import net.dig.proptest.PropertyRunner;
import org.junit.jupiter.api.Test;

/** Whatever the traffic, no window ever lets through more than the table allows. */
class RateLimiterProperties {
    record Msg(int type, int size, int gapMillis) {}

    /** The limiter under test, so that a broken one can be run through the same property. */
    interface Limiter {
        boolean allows(int type, int size, long nowMillis);
    }

    private static List<Msg> traffic(Gen g) {
        return g.lists(50, 3000, r -> new Msg(r.choice(1, 20, 21, 43, 44, 63, 200, 218, 221, 222, 220, 27),
                r.ints(0, 4096), r.ints(0, 400)));
    }

    @Test
    void allowedTrafficStaysWithinEveryRow() {
        PropertyRunner.tries(40).check(g -> {
            List<Msg> msgs = traffic(g);
            boolean inbound = g.bool();
            RateLimiter limiter = inbound ? RateLimiter.inbound() : RateLimiter.outbound();
            allowedTrafficStaysWithinEveryRow(msgs, inbound, (type, size, now) -> limiter.check(type, size, now).allowed());
        });
    }

    /** A limiter that never refuses lets oversized and excess frames through, and the property says so. */
    @Test
    void aLimiterThatNeverRefusesFailsTheProperty() {
        assertThatThrownBy(() -> PropertyRunner.tries(40).seed(31).check(g ->
                allowedTrafficStaysWithinEveryRow(traffic(g), g.bool(), (type, size, now) -> true)))
                .isInstanceOf(AssertionError.class)
                .hasCauseInstanceOf(AssertionError.class)
                .hasMessageContaining("base seed 31, try seed ")
                .hasMessageContaining("-Ddig.seed=31");
    }

    private static void allowedTrafficStaysWithinEveryRow(List<Msg> msgs, boolean inbound, Limiter limiter) {
        RateLimitTable table = RateLimitTable.standard();
        double pct = inbound ? 1.0 : 0.3;
        long now = 1_700_000_000_000L;
        long window = -1;
        Map<Integer, Integer> counts = new HashMap<>();
        Map<Integer, Long> bytes = new HashMap<>();
        for (Msg m : msgs) {
            now += m.gapMillis();
            if (now / 60_000 != window) {
                window = now / 60_000;
                counts.clear();
                bytes.clear();
            }
            RateLimit row = table.limitFor(m.type());
            boolean ok = limiter.allows(m.type(), m.size(), now);
            if (m.size() > row.maxSize()) {
                assertThat(ok).isFalse();
            }
            if (ok && !row.unlimited()) {
                int c = counts.merge(m.type(), 1, Integer::sum);
                long b = bytes.merge(m.type(), (long) m.size(), Long::sum);
                assertThat(c).isLessThanOrEqualTo((int) Math.floor(row.frequency() * pct));
                assertThat(b).isLessThanOrEqualTo((long) (row.maxTotalSize() * pct));
            }
        }
    }
}
