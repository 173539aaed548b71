package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.dig.core.Bytes32;
import net.dig.proptest.PropertyRunner;
import net.dig.testkit.ManualClock;
import net.dig.wire.Graft;
import net.dig.wire.LazyAnnounce;
import net.dig.wire.Message;
import net.dig.wire.Prune;
import net.dig.wire.RequestByHash;
import org.junit.jupiter.api.Test;

/**
 * A router driven at the rate the table is sized for ({@link PlumtreeRateBudget}: one new message per
 * dispatch interval, every peer pushing, announcing, duplicating and requesting) never has a frame
 * refused, neither by its own outbound limiter (30 % of each row) nor by the receiving peer's inbound
 * limiter (100 %).
 */
class PlumtreeRateLimitProperties {
    private static final int TYPES = 3;

    @Test
    void routerAtItsMaximumControlRateNeverTripsTheLimiter() {
        PropertyRunner.tries(12).check(g -> routerAtItsMaximumControlRateNeverTripsTheLimiter(g.longs(), g.ints(2, 14)));
    }

    private static void routerAtItsMaximumControlRateNeverTripsTheLimiter(long seed, int peerCount) {
        PlumtreeConfig config = PlumtreeConfig.defaults();
        ManualClock clock = new ManualClock(0);
        RecordingOutput out = new RecordingOutput();
        PlumtreeRouter router = new PlumtreeRouter(config, clock, out);
        RandomGenerator random = new SplittableRandom(seed);
        List<PeerId> peers = new ArrayList<>();
        Map<PeerId, RateLimiter> outbound = new HashMap<>();
        Map<PeerId, RateLimiter> inbound = new HashMap<>();
        for (int i = 0; i < peerCount; i++) {
            PeerId p = new PeerId(Bytes32.wrap(sha(seed, i)));
            peers.add(p);
            outbound.put(p, RateLimiter.outbound());
            inbound.put(p, RateLimiter.inbound());
            router.onNeighborUp(p);
        }
        List<Message> history = new ArrayList<>();
        long steps = 2 * new PlumtreeRateBudget(config).broadcastsPerWindow() + 7;
        for (long step = 0; step < steps; step++) {
            Message m = new Message(200 + random.nextInt(TYPES), OptionalInt.empty(), sha(seed, 1_000_000 + step));
            history.add(m);
            if (random.nextInt(4) == 0) {
                router.broadcast(m, Optional.empty());
            }
            for (PeerId p : peers) {
                switch (random.nextInt(5)) {
                    case 0 -> router.onMessage(p, m);
                    case 1 -> router.onMessage(p, new LazyAnnounce(List.of(
                            new LazyAnnounce.Announcement(MessageId.of(m).value(), m.type()))).toMessage());
                    case 2 -> {
                        Message old = history.get(random.nextInt(history.size()));
                        router.onMessage(p, new RequestByHash(List.of(MessageId.of(old).value())).toMessage());
                    }
                    case 3 -> router.onMessage(p, random.nextBoolean() ? new Prune().toMessage() : new Graft().toMessage());
                    default -> { }
                }
            }
            // Ticks as fine as the clock allows: timers fire at their own deadlines, not on a coarse grid.
            long stepEnd = clock.millis() + config.dispatchIntervalMillis();
            while (true) {
                long wake = router.nextWakeupMillis();
                long now = clock.millis();
                checkSent(out, outbound, inbound, now);
                if (wake > stepEnd) {
                    clock.advance(Duration.ofMillis(stepEnd - now));
                    break;
                }
                clock.advance(Duration.ofMillis(Math.max(0, wake - now)));
                router.onTick(clock.millis());
            }
        }
        checkSent(out, outbound, inbound, clock.millis());
        assertThat(router.stats().announcementsSent() + router.stats().prunesSent()).isPositive();
    }

    @Test
    void controlRowsAreSizedFromTheRouterTimersAndAdmitTheRouterMaximum() {
        PlumtreeConfig config = PlumtreeConfig.defaults();
        PlumtreeRateBudget budget = new PlumtreeRateBudget(config);
        RateLimitTable table = RateLimitTable.standard();
        assertThat(budget.broadcastsPerWindow()).isEqualTo(RateLimiter.WINDOW_MILLIS / config.dispatchIntervalMillis());
        for (int t = LazyAnnounce.OPCODE; t <= RequestByHash.OPCODE; t++) {
            RateLimit row = table.limitFor(t);
            assertThat(row.frequency() * RateLimiter.DEFAULT_OUTBOUND_PERCENT / 100.0)
                    .as("type %d", t).isGreaterThanOrEqualTo(budget.maxFramesPerWindow(t));
            assertThat(row.aggregate()).isFalse();
        }
        assertThat(table.limitFor(LazyAnnounce.OPCODE).maxSize()).isEqualTo(PlumtreeRateBudget.maxControlBodySize(LazyAnnounce.OPCODE));
        for (int t : PlumtreeRoutes.budgetedPayloadTypes().toArray()) {
            assertThat(table.limitFor(t).frequency() * RateLimiter.DEFAULT_OUTBOUND_PERCENT / 100.0)
                    .isGreaterThanOrEqualTo(budget.maxFramesPerWindow(t));
        }
        // A slower dispatch interval needs smaller rows: the table follows the router's config.
        RateLimitTable slower = RateLimitTable.standard(config.toBuilder().dispatchIntervalMillis(200).build());
        assertThat(slower.limitFor(LazyAnnounce.OPCODE).frequency()).isLessThan(table.limitFor(LazyAnnounce.OPCODE).frequency());
    }

    private static void checkSent(RecordingOutput out, Map<PeerId, RateLimiter> outbound, Map<PeerId, RateLimiter> inbound, long now) {
        for (RecordingOutput.Sent s : out.drain()) {
            int type = s.message().type();
            int size = s.message().data().length;
            RateLimiter.RateVerdict own = outbound.get(s.to()).check(type, size, now);
            assertThat(own.allowed()).as("outbound %s at %d ms: %s", type, now, own.reason()).isTrue();
            RateLimiter.RateVerdict theirs = inbound.get(s.to()).check(type, size, now);
            assertThat(theirs.allowed()).as("inbound %s at %d ms: %s", type, now, theirs.reason()).isTrue();
        }
    }

    private static byte[] sha(long seed, long i) {
        return net.dig.core.Sha256.hash((seed + ":" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toArray();
    }
}
