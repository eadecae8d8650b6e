package thelook.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class MartsAppTest {
    @Test
    void runningOutOfHeapAnywhereInTheCauseChainPointsToTheWaysOut() {
        var stopped = new StreamsException("task failed", new StreamsException(new OutOfMemoryError("GC overhead limit exceeded")));
        assertThat(MartsApp.rootMessage(stopped) + MartsApp.heapHint(stopped))
                .contains("GC overhead limit exceeded").contains("-Xmx").contains("--state-store rocksdb");
    }

    @Test
    void otherFailuresGetNoHeapHint() {
        assertThat(MartsApp.heapHint(new StreamsException(new IllegalStateException("broken")))).isEmpty();
    }
}
