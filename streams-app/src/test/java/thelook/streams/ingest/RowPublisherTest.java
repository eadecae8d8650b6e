package thelook.streams.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import thelook.schemas.TheLookTable;
import thelook.schemas.testing.ApicurioRegistry;

/** What a publisher says when Pub/Sub is not there: nothing listens on a free port, so no message can be taken. */
class RowPublisherTest {
    @Test
    void messagesUnsentWhenCloseGivesUpAreCountedAsFailed() {
        String nobody = "localhost:" + ApicurioRegistry.freePort();
        try (PubSubAccess access = PubSubAccess.of(nobody, null);
             RowPublisher publisher = new RowPublisher("projects/thelook-test/topics/thelook-live", access)) {
            for (long id = 1; id <= 3; id++) {
                publisher.publish(TheLookTable.USERS, id, Map.of("id", id), false);
            }
            publisher.publish(TheLookTable.USERS, 1, Map.of(), true);
            long started = System.nanoTime();
            publisher.close(Duration.ofSeconds(2));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(publisher.published()).isZero();
            assertThat(publisher.failed()).isEqualTo(4);
            assertThat(publisher.lastFailure()).isNotNull();
        }
    }
}
