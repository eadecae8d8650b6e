package thelook.backfill.pace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import thelook.backfill.plan.PlannedRecord;

/** Pacing on a simulated clock: what is checked is event time and record counts against simulated seconds. */
class PacerTest {
    /** A clock that only moves when the pacer sleeps (producing itself takes no time). */
    static final class SimulatedClock implements Pacer.Clock {
        long now = 1_000_000_000L;
        long slept;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            now += nanos;
            slept += nanos;
        }
    }

    private static final long HOUR_MICROS = 3_600_000_000L;

    @Test
    void atASpeedFactorEventTimeRunsThatManyTimesFasterThanTheClock() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        Pacer pacer = Pacer.parse("3600x", null, clock);
        long start = 1_700_000_000_000_000L;
        for (int i = 0; i <= 10 * 60; i++) { // ten hours of events, one a minute
            pacer.await(start + i * HOUR_MICROS / 60);
        }
        assertThat(clock.now - 1_000_000_000L).as("simulated nanos for ten hours of events at 3600x")
                .isBetween(9_990_000_000L, 10_000_000_000L);
    }

    @Test
    void rowsWithoutATimeAreNotHeldBackByTheSpeed() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        Pacer pacer = Pacer.parse("60x", null, clock);
        for (int i = 0; i < 1000; i++) {
            pacer.await(PlannedRecord.NO_TIME);
        }
        pacer.await(0);
        pacer.await(60_000_000L); // a minute of event time later: one second at 60x
        assertThat(clock.slept).isEqualTo(1_000_000_000L);
    }

    @Test
    void aRateLetsThroughThatManyRecordsPerSecond() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        Pacer pacer = Pacer.parse("max", "5000/s", clock);
        for (int i = 0; i < 50_001; i++) {
            pacer.await(i);
        }
        assertThat(clock.now - 1_000_000_000L).as("50,000 records after the first at 5,000/s (sleeps under 2 ms saved up)")
                .isBetween(9_998_000_000L, 10_000_000_000L);
    }

    @Test
    void withBothTheSlowerRules() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        Pacer pacer = Pacer.parse("1x", "100/s", clock); // 1000 records in one second of event time, but 100/s
        for (int i = 0; i <= 1000; i++) {
            pacer.await(i * 1000L);
        }
        assertThat(clock.now - 1_000_000_000L).isEqualTo(10_000_000_000L);
    }

    @Test
    void maxNeverSleeps() throws Exception {
        SimulatedClock clock = new SimulatedClock();
        Pacer pacer = Pacer.parse("max", null, clock);
        for (int i = 0; i < 1000; i++) {
            pacer.await(i * HOUR_MICROS);
        }
        assertThat(clock.slept).isZero();
        assertThat(pacer.describe()).isEqualTo("as fast as Kafka takes it");
    }

    @Test
    void badValuesNameTheFlag() {
        assertThatThrownBy(() -> Pacer.parse("fast", null, Pacer.SYSTEM)).hasMessageContaining("--speed 'fast'")
                .hasMessageContaining("3600x");
        assertThatThrownBy(() -> Pacer.parse("-2x", null, Pacer.SYSTEM)).hasMessageContaining("--speed");
        assertThatThrownBy(() -> Pacer.parse("max", "0/s", Pacer.SYSTEM)).hasMessageContaining("--rate '0/s'");
        assertThatThrownBy(() -> Pacer.parse("max", "lots", Pacer.SYSTEM)).hasMessageContaining("--rate 'lots'");
        assertThat(Pacer.parse("3600X", "5000", Pacer.SYSTEM).describe()).isEqualTo("event time at 3600x, at most 5000 records/s");
    }
}
