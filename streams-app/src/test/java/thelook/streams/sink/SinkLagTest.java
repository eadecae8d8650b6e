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
}
