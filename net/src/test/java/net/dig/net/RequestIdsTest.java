package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    @Test
    void dialerAndListenerUseDisjointHalves() {
        RequestIds dialer = new RequestIds(true);
        RequestIds listener = new RequestIds(false);
        assertThat(dialer.allocate(id -> false)).isZero();
        assertThat(listener.allocate(id -> false)).isEqualTo(32768);
        assertThat(dialer.isOurs(32767)).isTrue();
        assertThat(dialer.isOurs(32768)).isFalse();
        assertThat(listener.isOurs(65535)).isTrue();
        assertThat(listener.isOurs(0)).isFalse();
    }

    @Test
    void idsWrapAndSkipThoseInUse() {
        RequestIds ids = new RequestIds(true);
        Set<Integer> inUse = new HashSet<>(Set.of(1, 2));
        assertThat(ids.allocate(inUse::contains)).isZero();
        assertThat(ids.allocate(inUse::contains)).isEqualTo(3);
        for (int i = 4; i < 32768; i++) {
            ids.allocate(id -> false);
        }
        assertThat(ids.allocate(id -> false)).as("wraps to the start of the half").isZero();
    }

    @Test
    void exhaustedHalfYieldsMinusOne() {
        assertThat(new RequestIds(false).allocate(id -> true)).isEqualTo(-1);
    }
}
