package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.avro.Event;
import thelook.avro.User;
import thelook.schemas.TheLookTable;
import thelook.streams.flow.EventTimes;
import thelook.streams.names.StoreNames;
import thelook.streams.names.TopicNames;
import thelook.streams.topology.StoreKind;

/**
 * A mart partition's event time is the largest its feeds have processed, whichever feed saw it: the
 * feeds of a partition share one store, and an older record through another feed must not lower it.
 */
class EventTimeTest {
    @TempDir
    Path tmp;

    @Test
    void theLargestEventTimeAcrossTheFeedsOfAPartitionIsKept() {
        try (DriverHarness harness = new DriverHarness(tmp, TopicNames.defaults(), TestSerdes.REGISTRY, StoreKind.MEMORY, true)) {
            harness.pipe(raw(TheLookTable.EVENTS, 10, event(10, "2024-01-01T00:00:00Z")));   // via the events feed
            harness.pipe(raw(TheLookTable.USERS, 1, User.newBuilder().setId(1L)
                    .setCreatedAt(Instant.parse("2024-03-01T00:00:00Z")).build()));            // via the users feed
            harness.pipe(raw(TheLookTable.EVENTS, 11, event(11, "2024-02-01T00:00:00Z")));   // older, via the events feed
            Long micros = harness.driver().<Long, Long>getKeyValueStore(StoreNames.USER_PARTITION_EVENT_TIME).get(EventTimes.KEY);
            assertThat(micros).isEqualTo(Instant.parse("2024-03-01T00:00:00Z").toEpochMilli() * 1000);
        }
    }

    private static Event event(long id, String createdAt) {
        return Event.newBuilder().setId(id).setUserId(1L).setSessionId("s" + id).setEventType("home").setUri("/home")
                .setCreatedAt(Instant.parse(createdAt)).build();
    }

    private static ReplayRecords.Raw raw(TheLookTable table, long key, SpecificRecord value) {
        return new ReplayRecords.Raw(table, key, TestSerdes.REGISTRY.value(value.getClass().asSubclass(SpecificRecord.class))
                .serializer().serialize(table.topic(TheLookTable.DEFAULT_TOPIC_PREFIX), cast(value)));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
