package thelook.streams.ingest;

import com.google.api.gax.batching.FlowControlSettings;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.PubsubMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.TopicNames;

/**
 * {@code ingest pubsub}: a Pub/Sub subscription into the input topics. StreamingPull with flow control;
 * each message becomes one row ({@link RowMessages}) produced keyed by its primary key with an idempotent
 * producer, and is acked only in the producer's callback, once Kafka has the record (nacked if the send
 * fails, so Pub/Sub redelivers it). With message ordering on the subscription the client hands over one
 * ordering key's messages one at a time, in order, and the producer keeps that order per partition. A
 * message that is not a row goes to the dead-letter topic with the reason and the message id, then is
 * acked. {@link #close} stops pulling and waits for the messages in flight.
 */
public final class PubSubIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PubSubIngest.class);

    /**
     * @param subscription        {@code projects/P/subscriptions/S}
     * @param maxOutstanding      messages held (received, not yet acked) at most: the flow control
     * @param maxOutstandingBytes bytes held at most
     */
    public record Settings(String subscription, long maxOutstanding, long maxOutstandingBytes) {
        public Settings {
            if (subscription == null || !subscription.matches("projects/[^/]+/subscriptions/[^/]+")) {
                throw new IllegalArgumentException("--subscription takes projects/PROJECT/subscriptions/NAME, not " + subscription);
            }
            if (maxOutstanding < 1 || maxOutstandingBytes < 1) {
                throw new IllegalArgumentException("--max-outstanding-messages and --max-outstanding-mb must be at least 1");
            }
        }
    }

    private final Settings settings;
    private final RowProducer producer;
    private final RowMessages messages = new RowMessages();
    private final TopicNames topics;
    private final Counter received;
    private final Map<TheLookTable, Counter> produced = new EnumMap<>(TheLookTable.class);
    private final Counter deadLettered;
    private final Counter sendFailures;
    private final Timer ackLatency;
    private final Subscriber subscriber;

    private PubSubIngest(Settings settings, PubSubAccess access, Map<String, Object> kafkaConfig, TopicSerdes serdes, TopicNames topics,
                         MeterRegistry meters) {
        this.settings = settings;
        this.topics = topics;
        this.producer = new RowProducer(kafkaConfig, serdes, topics, "thelook-ingest");
        for (TheLookTable t : TheLookTable.values()) {
            produced.put(t, Counter.builder("thelook.ingest.produced").description("Rows produced to Kafka (and acked)")
                    .tag("table", t.tableName()).register(meters));
        }
        received = Counter.builder("thelook.ingest.received").description("Pub/Sub messages received").register(meters);
        deadLettered = Counter.builder("thelook.ingest.dead.letters").description("Messages sent to the dead-letter topic")
                .register(meters);
        sendFailures = Counter.builder("thelook.ingest.send.failures").description("Kafka sends that failed (message nacked)")
                .register(meters);
        ackLatency = Timer.builder("thelook.ingest.ack.latency").description("From receiving a message to acking it")
                .publishPercentiles(0.5, 0.99).register(meters);
        Subscriber.Builder builder = Subscriber.newBuilder(settings.subscription(), this::receive)
                .setFlowControlSettings(FlowControlSettings.newBuilder()
                        .setMaxOutstandingElementCount(settings.maxOutstanding())
                        .setMaxOutstandingRequestBytes(settings.maxOutstandingBytes()).build())
                .setCredentialsProvider(access.credentials());
        if (access.channels() != null) {
            builder.setChannelProvider(access.channels());
        }
        subscriber = builder.build();
    }

    /** Starts pulling; fails naming the subscription when it cannot. */
    public static PubSubIngest start(Settings settings, PubSubAccess access, Map<String, Object> kafkaConfig, TopicSerdes serdes,
                                     TopicNames topics, MeterRegistry meters) {
        PubSubIngest ingest = new PubSubIngest(settings, access, kafkaConfig, serdes, topics, meters);
        try {
            ingest.subscriber.startAsync().awaitRunning(60, TimeUnit.SECONDS);
        } catch (IllegalStateException | TimeoutException e) {
            ingest.producer.abort();
            Throwable cause = ingest.subscriber.failureCause() != null ? ingest.subscriber.failureCause() : e;
            throw new IllegalStateException("cannot pull from " + settings.subscription() + ": " + cause.getMessage(), cause);
        }
        return ingest;
    }

    private void receive(PubsubMessage message, AckReplyConsumer reply) {
        received.increment();
        long started = System.nanoTime();
        RowMessages.Row row;
        try {
            row = messages.parse(message.getData().toByteArray(), message.getAttributesMap());
        } catch (RowMessages.BadMessageException e) {
            deadLetter(message, e.getMessage(), reply, started);
            return;
        }
        String topic = row.table().topic(topics.prefix());
        ProducerRecord<byte[], byte[]> record;
        try {
            record = producer.record(row);
        } catch (RuntimeException e) { // the registry is away: Pub/Sub redelivers later
            LOG.warn("cannot serialize message {} for {} ({}); nacked, Pub/Sub delivers it again", message.getMessageId(), topic,
                    e.getMessage());
            sendFailures.increment();
            reply.nack();
            return;
        }
        producer.send(record, (metadata, e) -> {
            if (e == null) {
                produced.get(row.table()).increment();
                reply.ack();
                ackLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            } else {
                sendFailures.increment();
                LOG.warn("producing message {} to {} failed ({}); nacked, Pub/Sub delivers it again", message.getMessageId(), topic,
                        e.getMessage());
                reply.nack();
            }
        });
    }

    private void deadLetter(PubsubMessage message, String reason, AckReplyConsumer reply, long started) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.deadLetters(), null, message.getData().toByteArray());
        record.headers().add("thelook.ingest.error", reason.getBytes(StandardCharsets.UTF_8));
        record.headers().add("thelook.ingest.message_id", message.getMessageId().getBytes(StandardCharsets.UTF_8));
        record.headers().add("thelook.ingest.subscription", settings.subscription().getBytes(StandardCharsets.UTF_8));
        message.getAttributesMap().forEach((k, v) -> record.headers().add("thelook.ingest.attribute." + k,
                v.getBytes(StandardCharsets.UTF_8)));
        producer.send(record, (metadata, e) -> {
            if (e == null) {
                deadLettered.increment();
                reply.ack();
                ackLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            } else {
                sendFailures.increment();
                reply.nack();
            }
        });
    }

    public boolean running() {
        return subscriber.isRunning();
    }

    /** The subscriber's failure, if it stopped on one. */
    public Throwable failure() {
        return subscriber.failureCause();
    }

    /** Stops pulling, waits for the messages in flight to be produced and acked, then closes the producer. */
    @Override
    public void close() {
        try {
            subscriber.stopAsync().awaitTerminated(60, TimeUnit.SECONDS);
        } catch (TimeoutException | IllegalStateException e) {
            LOG.warn("the Pub/Sub subscriber did not stop cleanly: {}", e.getMessage());
        }
        producer.close();
    }
}
