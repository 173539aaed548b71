package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the traffic, no window ever lets through more than the table allows. */
class RateLimiterProperties {
    record Msg(int type, int size, int gapMillis) {}

    @Provide
    Arbitrary<List<Msg>> traffic() {
        Arbitrary<Integer> types = Arbitraries.of(1, 20, 21, 43, 44, 63, 200, 218, 221, 222, 220, 27);
        return Combinators.combine(types, Arbitraries.integers().between(0, 4096), Arbitraries.integers().between(0, 400))
                .as(Msg::new).list().ofMinSize(50).ofMaxSize(3000);
    }

    @Property(tries = 40)
    void allowedTrafficStaysWithinEveryRow(@ForAll("traffic") List<Msg> msgs, @ForAll boolean inbound) {
        RateLimitTable table = RateLimitTable.standard();
        RateLimiter limiter = inbound ? RateLimiter.inbound() : RateLimiter.outbound();
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
            boolean ok = limiter.check(m.type(), m.size(), now).allowed();
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
