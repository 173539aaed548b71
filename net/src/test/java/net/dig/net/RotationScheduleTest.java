package net.dig.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.dig.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RotationScheduleTest {
    private final ManualClock clock = new ManualClock(1_000_000L);
    private final RotationSchedule schedule = new RotationSchedule(Duration.ofHours(1), clock.millis());

    @Test
    void dueOnlyOnceTheIntervalHasPassed() {
        assertThat(schedule.due(clock.millis())).isFalse();
        clock.advance(Duration.ofMinutes(59));
        assertThat(schedule.due(clock.millis())).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(schedule.due(clock.millis())).isTrue();
    }

    @Test
    void aLateCheckRotatesOnceAndTheNextIntervalCountsFromIt() {
        clock.advance(Duration.ofHours(5));
        assertThat(schedule.due(clock.millis())).isTrue();
        schedule.rotated(clock.millis());
        assertThat(schedule.due(clock.millis())).as("missed intervals are not made up").isFalse();
        clock.advance(Duration.ofMinutes(59));
        assertThat(schedule.due(clock.millis())).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(schedule.due(clock.millis())).isTrue();
    }

    @Test
    void aClockSteppingBackOnlyDelaysTheRotation() {
        RotationSchedule startedLater = new RotationSchedule(Duration.ofHours(1), clock.millis() + Duration.ofHours(2).toMillis());
        assertThat(startedLater.due(clock.millis())).isFalse();
        clock.advance(Duration.ofHours(2).plusMinutes(59));
        assertThat(startedLater.due(clock.millis())).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(startedLater.due(clock.millis())).isTrue();
    }

    @Test
    void theConfigRefusesIntervalsUnderAMinute() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PeerIdRotationConfig(Duration.ofSeconds(59), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rotation_interval_secs");
        assertThat(PeerIdRotationConfig.defaults().interval()).isEqualTo(Duration.ofHours(24));
    }
}
