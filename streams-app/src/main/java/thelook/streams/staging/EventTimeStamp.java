package thelook.streams.staging;

import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import thelook.avro.Event;
import thelook.avro.Order;
import thelook.avro.OrderItem;
import thelook.avro.User;
import thelook.schemas.Micros;
import thelook.streams.flow.EventTimes;

/**
 * Stamps an input row with its event time (the latest of its own timestamps) as a header, which every
 * record it causes downstream carries along ({@link EventTimes}). A row without a timestamp, or a
 * tombstone, passes unstamped.
 */
public final class EventTimeStamp<V> implements FixedKeyProcessor<Long, V, V> {
    private final Function<V, Long> eventTime;
    private FixedKeyProcessorContext<Long, V> context;

    private EventTimeStamp(Function<V, Long> eventTime) {
        this.eventTime = eventTime;
    }

    public static EventTimeStamp<Event> events() {
        return new EventTimeStamp<>(e -> Micros.of(e.getCreatedAt()));
    }

    public static EventTimeStamp<User> users() {
        return new EventTimeStamp<>(u -> Micros.of(u.getCreatedAt()));
    }

    public static EventTimeStamp<Order> orders() {
        return new EventTimeStamp<>(o -> latest(o.getCreatedAt(), o.getShippedAt(), o.getDeliveredAt(), o.getReturnedAt()));
    }

    public static EventTimeStamp<OrderItem> orderItems() {
        return new EventTimeStamp<>(i -> latest(i.getCreatedAt(), i.getShippedAt(), i.getDeliveredAt(), i.getReturnedAt()));
    }

    @Override
    public void init(FixedKeyProcessorContext<Long, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<Long, V> record) {
        Long micros = record.value() == null ? null : eventTime.apply(record.value());
        if (micros != null) {
            EventTimes.stamp(record.headers(), micros);
        }
        context.forward(record);
    }

    private static Long latest(Instant... times) {
        Long max = null;
        for (Instant t : times) {
            Long m = Micros.of(t);
            if (m != null && (max == null || m > max)) {
                max = m;
            }
        }
        return max;
    }
}
