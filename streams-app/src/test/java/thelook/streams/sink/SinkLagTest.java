package thelook.streams.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The sink's lag by hand: records behind the last stable offsets, and how long the lagging partitions have lagged. */
class SinkLagTest {
    static final TopicPartition A = new TopicPartition("m", 0);
    static final TopicPartition B = new TopicPartition("m", 1);

    @Test
    void recordsAndSecondsBehind() {
        SinkLag lag = new SinkLag();
        assertThat(lag.update(Map.of(A, 10L, B, 5L), Map.of(A, 10L, B, 5L), 1_000)).isEqualTo(new SinkLag.Reading(0, 0));
        // B falls behind at 2 s (last seen caught up at 1 s); A stays caught up
        assertThat(lag.update(Map.of(A, 10L, B, 9L), Map.of(A, 10L, B, 5L), 2_000)).isEqualTo(new SinkLag.Reading(4, 1.0));
        assertThat(lag.update(Map.of(A, 12L, B, 9L), Map.of(A, 10L, B, 7L), 4_500)).isEqualTo(new SinkLag.Reading(4, 3.5));
        assertThat(lag.update(Map.of(A, 12L, B, 9L), Map.of(A, 12L, B, 9L), 5_000)).isEqualTo(new SinkLag.Reading(0, 0));
        // a partition never seen caught up counts from its first reading
        assertThat(lag.update(Map.of(A, 12L, B, 9L, new TopicPartition("m", 2), 3L), Map.of(A, 12L, B, 9L), 6_000))
                .isEqualTo(new SinkLag.Reading(3, 0));
    }

    @Test
    void theOldestChangeHeldButNotWrittenGivesTheSeconds() {
        SinkLag lag = new SinkLag();
        lag.update(Map.of(A, 10L), Map.of(A, 10L), 1_000);
        // behind since 1 s by the caught-up rule, but the oldest unwritten change reached the topic at 9.7 s
        assertThat(lag.update(Map.of(A, 20L), Map.of(A, 10L), 9_700, 10_000)).isEqualTo(new SinkLag.Reading(10, 0.3));
        assertThat(lag.update(Map.of(A, 20L), Map.of(A, 20L), 9_700, 10_500)).isEqualTo(new SinkLag.Reading(0, 0));
    }

    @Test
    void steadyWritesAreNotReportedAsAGrowingLag() {
        // a record every millisecond, the target 50 ms behind: no reading ever finds the partition with nothing pending
        SinkLag lag = new SinkLag();
        assertThat(lag.update(Map.of(A, 0L), Map.of(A, 0L), 0)).isEqualTo(new SinkLag.Reading(0, 0));
        for (long t = 1_000; t <= 20_000; t += 1_000) {
            // what the reading one second ago saw is written now: the tables are at most one second old
            assertThat(lag.update(Map.of(A, t), Map.of(A, t - 50), t)).isEqualTo(new SinkLag.Reading(50, 1.0));
        }
    }

    @Test
    void aLongStallKeepsCountingFromItsStartWithinBoundedMemory() {
        SinkLag lag = new SinkLag();
        lag.update(Map.of(A, 10L), Map.of(A, 10L), 0);
        long t = 0;
        for (int i = 1; i <= 3 * SinkLag.MAX_READINGS; i++) {
            t = i * 1_000L;
            assertThat(lag.update(Map.of(A, 10L + i), Map.of(A, 10L), t).seconds()).isEqualTo(t / 1000.0);
        }
        // the target catches up on the first half: the answer moves forward, never past what is known written
        SinkLag.Reading r = lag.update(Map.of(A, 10L + 3 * SinkLag.MAX_READINGS), Map.of(A, 10L + 3 * SinkLag.MAX_READINGS / 2), t + 1_000);
        assertThat(r.records()).isEqualTo(3 * SinkLag.MAX_READINGS / 2);
        assertThat(r.seconds()).isBetween((3 * SinkLag.MAX_READINGS / 2) + 1.0, (3 * SinkLag.MAX_READINGS / 2) + 3.0);
    }
}
