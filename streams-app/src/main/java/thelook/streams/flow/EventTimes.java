package thelook.streams.flow;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Event time across the topology: each input row is stamped at the source with a header holding its own
 * latest timestamp (not Kafka's record time); the header travels with every record the row causes,
 * through repartition topics, to the tasks that own the marts, which keep the largest they have
 * processed in a small store per partition (so it moves with the task, standbys included).
 */
public final class EventTimes {
    public static final String HEADER = "thelook.event_time";
    /** The one key of a partition's event-time store. */
    public static final long KEY = 0L;

    private EventTimes() {}

    public static void stamp(Headers headers, long micros) {
        headers.remove(HEADER);
        headers.add(HEADER, ByteBuffer.allocate(8).putLong(micros).array());
    }

    /** The stamp of a record, or null. */
    public static Long read(Headers headers) {
        Header h = headers.lastHeader(HEADER);
        return h == null || h.value() == null || h.value().length != 8 ? null : ByteBuffer.wrap(h.value()).getLong();
    }
}
