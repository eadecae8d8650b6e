package thelook.backfill.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventWindowTest {
    private static final Instant T = Instant.parse("2024-01-01T00:00:00Z");
    private static final long T_MICROS = EventWindow.micros(T);

    @Test
    void untilAndThenSinceTogetherKeepEveryTimeExactlyOnce() {
        EventWindow first = EventWindow.of(null, T);
        EventWindow second = EventWindow.of(T, null);
        for (long time : new long[] {PlannedRecord.NO_TIME, T_MICROS - 1, T_MICROS, T_MICROS + 1, Long.MAX_VALUE - 1}) {
            assertThat(first.contains(time) ^ second.contains(time)).as("time %d in exactly one", time).isTrue();
        }
        assertThat(first.contains(PlannedRecord.NO_TIME)).as("rows without a time come first").isTrue();
    }

    @Test
    void aResumedWindowStartsAtTheWatermarkButNeverBeforeSince() {
        EventWindow since = EventWindow.of(T, null);
        assertThat(since.startingAt(T_MICROS - 5)).isEqualTo(since);
        assertThat(since.startingAt(T_MICROS + 5).from()).isEqualTo(T_MICROS + 5);
        assertThat(EventWindow.ALL.startingAt(PlannedRecord.NO_TIME)).isEqualTo(EventWindow.ALL);
    }

    @Test
    void anEmptyWindowIsRefused() {
        assertThatThrownBy(() -> EventWindow.of(T, T)).hasMessageContaining("--since").hasMessageContaining("--until");
        assertThat(EventWindow.instant(T_MICROS)).isEqualTo(T);
    }
}
