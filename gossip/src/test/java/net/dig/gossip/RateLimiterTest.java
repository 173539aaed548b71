package net.dig.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import net.dig.gossip.RateLimiter.Action;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long T0 = 1_700_000_020_000L; // 40 s into a window

    @Test
    void requestPeersTenPerMinuteInbound() {
        RateLimiter in = RateLimiter.inbound();
        for (int i = 0; i < 10; i++) {
            assertThat(in.check(43, 0, T0).allowed()).isTrue();
        }
        var v = in.check(43, 0, T0);
        assertThat(v.action()).isEqualTo(Action.VIOLATION);
        assertThat(v.penalty()).contains(PenaltyReason.RATE_LIMIT_EXCEEDED);
        assertThat(v.reason()).contains("type 43");
        // Next window: counters reset.
        assertThat(in.check(43, 0, T0 + 20_000).allowed()).isTrue();
    }

    @Test
    void outboundUsesThirtyPercentRetriesAfterOneSecondAndRollsBack() {
        RateLimiter out = RateLimiter.outbound();
        for (int i = 0; i < 3; i++) {
            assertThat(out.check(43, 0, T0).allowed()).isTrue();
        }
        var v = out.check(43, 0, T0);
        assertThat(v.action()).isEqualTo(Action.RETRY_LATER);
        assertThat(v.retryAfterMillis()).isEqualTo(1000);
        // Refused outbound messages are not counted: still exactly at the limit, still refused, never worse.
        assertThat(out.check(43, 0, T0).action()).isEqualTo(Action.RETRY_LATER);
        // respond_peers is dropped instead of retried.
        for (int i = 0; i < 3; i++) {
            assertThat(out.check(44, 10, T0).allowed()).isTrue();
        }
        assertThat(out.check(44, 10, T0).action()).isEqualTo(Action.DROP);
    }

    @Test
    void oversizeIsAViolationInboundAndADropOutbound() {
        assertThat(RateLimiter.inbound().check(20, 513, T0).action()).isEqualTo(Action.VIOLATION);
        assertThat(RateLimiter.inbound().check(20, 512, T0).allowed()).isTrue();
        assertThat(RateLimiter.outbound().check(20, 513, T0).action()).isEqualTo(Action.DROP);
    }

    @Test
    void unlimitedRowsCheckOnlySize() {
        RateLimiter in = RateLimiter.inbound();
        for (int i = 0; i < 5000; i++) {
            assertThat(in.check(27, 2 * 1024 * 1024, T0).allowed()).isTrue();
        }
        assertThat(in.check(27, 2 * 1024 * 1024 + 1, T0).action()).isEqualTo(Action.VIOLATION);
    }

    @Test
    void cumulativeBytesPerType() {
        // respond_transaction: 5000/min, 1 MiB each, 20 MiB per window.
        RateLimiter in = RateLimiter.inbound();
        for (int i = 0; i < 20; i++) {
            assertThat(in.check(23, 1024 * 1024, T0).allowed()).isTrue();
        }
        var v = in.check(23, 1, T0);
        assertThat(v.action()).isEqualTo(Action.VIOLATION);
        assertThat(v.reason()).contains("bytes in this minute");
    }

    @Test
    void nonTransactionAggregateOfOneThousand() {
        RateLimitTable roomy = RateLimitTable.standard().with(20, RateLimit.of(5000, 512, true));
        RateLimiter in = new RateLimiter(RateLimiter.Direction.INBOUND, 100, roomy);
        for (int i = 0; i < 1000; i++) {
            assertThat(in.check(20, 10, T0).allowed()).isTrue();
        }
        assertThat(in.check(20, 10, T0).reason()).startsWith("aggregate");
        // new_transaction is not in the aggregate.
        assertThat(in.check(21, 10, T0).allowed()).isTrue();
    }

    @Test
    void digTableAndSilentDropsForOverRateAnnouncements() {
        RateLimiter in = RateLimiter.inbound();
        for (int i = 0; i < 4; i++) {
            assertThat(in.check(218, 100, T0).allowed()).isTrue();
        }
        assertThat(in.check(218, 100, T0).action()).isEqualTo(Action.VIOLATION);
        for (int i = 0; i < 10; i++) {
            assertThat(in.check(221, 164, T0).allowed()).isTrue();
        }
        assertThat(in.check(221, 164, T0).action()).isEqualTo(Action.DROP_SILENTLY);
        assertThat(in.check(221, 165, T0 + 60_000).action()).isEqualTo(Action.VIOLATION);
        // Unlisted DIG opcodes: 100 per minute, 1 MiB.
        assertThat(in.check(220, 1024 * 1024, T0).allowed()).isTrue();
        assertThat(in.check(220, 1024 * 1024 + 1, T0).action()).isEqualTo(Action.VIOLATION);
    }

    @Test
    void handshakeFivePerMinuteAndErrorRow() {
        RateLimiter in = RateLimiter.inbound();
        for (int i = 0; i < 5; i++) {
            assertThat(in.check(1, 100, T0).allowed()).isTrue();
        }
        assertThat(in.check(1, 100, T0).allowed()).isFalse();
        assertThat(in.check(255, 101, T0).allowed()).isFalse();
    }

    @Test
    void nodeMessageExchangesCountInTheirOwnRowAndAFloodOfThemIsStillAViolation() {
        int window = 1 << 20;
        RateLimiter out = RateLimiter.outbound();
        int oneHop = (int) (RateLimitTable.standard().limitFor(240).frequency() * 0.3);
        for (int i = 0; i < 2000; i++) {
            assertThat(out.check(240, true, window, T0).allowed()).as("window answer %s", i).isTrue();
        }
        for (int i = 0; i < oneHop; i++) {
            assertThat(out.check(240, false, 100, T0).allowed()).as("announcement %s", i).isTrue();
        }
        assertThat(out.check(240, false, 100, T0).action()).isEqualTo(Action.RETRY_LATER);
        assertThat(out.check(240, true, window, T0).allowed()).as("the exchange row is apart").isTrue();
        assertThat(out.check(241, true, 100, T0).allowed()).as("other opcodes keep their row with an id").isTrue();

        RateLimiter in = RateLimiter.inbound();
        for (int i = 0; i < RateLimitTable.NODE_EXCHANGE.frequency(); i++) {
            assertThat(in.check(240, true, 10, T0).allowed()).isTrue();
        }
        assertThat(in.check(240, true, 10, T0).action()).isEqualTo(Action.VIOLATION);
        assertThat(in.check(240, false, 10, T0).allowed()).as("one-hop messages were not charged").isTrue();
    }
}
