package thelook.streams.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.TopicNames;

/**
 * Keeps a {@link SinkTarget}'s three tables equal to the mart topics: a plain consumer in its own group
 * (read_committed, so it sees only what the topology committed) that gathers records into a
 * {@link SinkBatch}, writes the batch when it is big enough, old enough, or when a poll brings less than
 * it could (the consumer has nothing more buffered: the sink is at the head of the topics), and only
 * then commits the offsets. A crash between a write and its commit replays the
 * batch, which the target's upserts make harmless; a key's versions are written in the topic's order,
 * retries included, because one batch is written at a time.
 *
 * <p>A record it cannot decode, and a row the target refuses for its content, go to the dead-letter topic
 * with the reason in headers ({@code thelook.sink.error}, {@code thelook.sink.source}); the offsets still
 * advance, so nothing is silently lost and nothing blocks the rest.
 */
public final class MartSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MartSink.class);
    public static final String ERROR_HEADER = "thelook.sink.error";
    public static final String SOURCE_HEADER = "thelook.sink.source";
    public static final String TARGET_HEADER = "thelook.sink.target";

    /**
     * @param kafka         bootstrap servers and the user's client settings, without a group id
     * @param groupId       the consumer group, whose committed offsets are where a restart resumes
     * @param maxBatchRows  write once a batch holds this many records
     * @param flushInterval write a batch at the latest this long after its first record arrived
     */
    public record Settings(Map<String, Object> kafka, String groupId, TopicNames topics, TopicSerdes serdes, int maxBatchRows,
                           Duration flushInterval) {
        public static final int DEFAULT_MAX_BATCH_ROWS = 50_000;
        public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    }

    private final Settings settings;
    private final SinkTarget target;
    private final MartDecoder decoder;
    private final SinkLag lagTracker = new SinkLag();
    private final Map<TopicPartition, Long> written = new ConcurrentHashMap<>();
    private final List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
    private final SinkBatch batch = new SinkBatch();
    private final Histogram latencyMs = new Histogram(3_600_000L, 3);
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final Timer latency;
    private final Counter upserts;
    private final Counter deletes;
    private final Counter deadLetterCounter;
    private final Timer writes;
    private volatile SinkLag.Reading lag = SinkLag.Reading.UNKNOWN;
    private volatile Throwable failure;
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final int maxPollRecords;
    private long lastLagNanos;
    private boolean assigned;
    /** Broker append time of the first record read since the last commit; -1: none, or not append time. */
    private long oldestUnwrittenAt = -1;

    private MartSink(Settings settings, SinkTarget target, MeterRegistry meters) {
        this.settings = settings;
        this.target = target;
        this.decoder = new MartDecoder(settings.topics(), settings.serdes());
        this.maxPollRecords = Math.min(10_000, settings.maxBatchRows());
        Tags tags = Tags.of("target", target.name());
        this.latency = Timer.builder("thelook.sink.latency").tags(tags)
                .description("from a mart change reaching its topic (broker append time) to its row written to the target")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.writes = Timer.builder("thelook.sink.writes").tags(tags).description("batch writes to the target").register(meters);
        this.upserts = Counter.builder("thelook.sink.rows").tags(tags).tag("change", "upsert").register(meters);
        this.deletes = Counter.builder("thelook.sink.rows").tags(tags).tag("change", "delete").register(meters);
        this.deadLetterCounter = Counter.builder("thelook.sink.dead.letters").tags(tags).register(meters);
        Gauge.builder("thelook.sink.lag.records", this, s -> s.lag.records()).tags(tags)
                .description("mart topic records not yet in the target (-1: not measured yet)").register(meters);
        Gauge.builder("thelook.sink.lag.seconds", this, s -> s.lag.seconds()).tags(tags)
                .description("how much older than the mart topics the target's tables may be").register(meters);
        this.thread = new Thread(this::loop, "sink-" + target.name());
    }

    /** Opens the target (creating its tables), joins the group and starts writing in a thread of its own. */
    public static MartSink start(Settings settings, SinkTarget target, MeterRegistry meters) {
        target.open();
        MartSink sink = new MartSink(settings, target, meters);
        sink.consumer = new KafkaConsumer<>(sink.consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        sink.producer = new KafkaProducer<>(sink.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
        sink.thread.start();
        return sink;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>(settings.kafka());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a poll never holds more than a batch: the batch is written whole, then the positions after the poll committed
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-consumer");
        return c;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> c = new HashMap<>(settings.kafka());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-dead-letters");
        return c;
    }

    private void loop() {
        try {
            consumer.subscribe(settings.topics().marts(), new Rebalance());
            while (running) {
                Duration wait = batch.isEmpty() ? Duration.ofMillis(500)
                        : Duration.ofNanos(Math.max(1_000_000, settings.flushInterval().toNanos() - batch.ageNanos()));
                ConsumerRecords<byte[], byte[]> records = consumer.poll(wait);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    add(r);
                }
                if (!batch.isEmpty() || !deadLetters.isEmpty()) {
                    // a poll short of its maximum means the consumer has nothing more buffered: write now, while at the head
                    if (records.count() < maxPollRecords || batch.records() >= settings.maxBatchRows()
                            || batch.ageNanos() >= settings.flushInterval().toNanos()) {
                        flush();
                    }
                } else if (movedPastMarkers()) {
                    commit(); // a poll that only stepped over transaction markers: the lag must still reach 0
                }
                if (batch.isEmpty()) {
                    target.maintain(); // between batches, and when idle: derived columns catch up with the last rows
                }
                if (System.nanoTime() - lastLagNanos > 1_000_000_000L) {
                    measureLag();
                }
            }
            flush();
        } catch (WakeupException stopping) {
            try {
                flush(); // what was read is written and committed before the group is left
            } catch (RuntimeException e) {
                failure = e;
            }
        } catch (Throwable e) {
            failure = e;
            LOG.error("the {} sink stopped: {}", target.name(), e.getMessage(), e);
        } finally {
            consumer.close();
            producer.close(Duration.ofSeconds(10));
        }
    }

    private void add(ConsumerRecord<byte[], byte[]> r) {
        if (oldestUnwrittenAt < 0 && r.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME) {
            oldestUnwrittenAt = r.timestamp();
        }
        try {
            MartTable table = decoder.table(r);
            batch.add(table, decoder.key(table, r), r);
        } catch (IllegalArgumentException e) {
            deadLetters.add(deadLetter(r, e.getMessage()));
        }
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> r, String reason) {
        return deadLetter(r.key(), r.value(), r.topic() + "-" + r.partition() + "@" + r.offset(), reason);
    }

    private ProducerRecord<byte[], byte[]> deadLetter(byte[] key, byte[] value, String source, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        headers.add(TARGET_HEADER, target.name().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(settings.topics().deadLetters(), null, key, value, headers);
    }

    /** Writes the batch, sends the dead letters, then commits: in that order, so a crash never loses a row. */
    private void flush() {
        if (!batch.isEmpty()) {
            long started = System.nanoTime();
            batch.decode(decoder, (r, reason) -> deadLetters.add(deadLetter(r, reason)));
            List<SinkTarget.Rejected> rejected = target.write(batch);
            writes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            for (SinkTarget.Rejected r : rejected) {
                MartChange c = r.change();
                deadLetters.add(deadLetter(c.rawKey(), c.rawValue(), c.origin(), target.name() + " refused the row: " + r.reason()));
            }
            recordWritten(System.currentTimeMillis());
            rowsWritten.addAndGet(batch.rows());
            batch.clear();
        }
        if (!deadLetters.isEmpty()) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            deadLetters.forEach(d -> sent.add(producer.send(d)));
            producer.flush();
            for (var f : sent) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new SinkException("cannot write to the dead-letter topic " + settings.topics().deadLetters() + ": " + e.getMessage(), e);
                }
            }
            LOG.warn("{} record(s) went to the dead-letter topic {}", deadLetters.size(), settings.topics().deadLetters());
            deadLettered.addAndGet(deadLetters.size());
            deadLetterCounter.increment(deadLetters.size());
            deadLetters.clear();
        }
        commit();
    }

    /**
     * Counts the batch's rows and records each row's latency. Consecutive rows with one append time (mostly one producer
     * request's, which the broker stamps together) go to the run's histogram as one value with a count.
     */
    private void recordWritten(long now) {
        long upserted = 0;
        long deleted = 0;
        synchronized (latencyMs) { // once per batch, not per row
            for (MartTable t : MartTable.values()) {
                long runAt = -1;
                long runRows = 0;
                for (MartChange c : batch.changes(t)) {
                    if (c.isDelete()) {
                        deleted++;
                    } else {
                        upserted++;
                    }
                    if (!c.appendTime()) {
                        continue;
                    }
                    latency.record(Math.max(0, now - c.appendedAt()), TimeUnit.MILLISECONDS);
                    if (c.appendedAt() != runAt) {
                        recordRun(now, runAt, runRows);
                        runAt = c.appendedAt();
                        runRows = 0;
                    }
                    runRows++;
                }
                recordRun(now, runAt, runRows);
            }
        }
        upserts.increment(upserted);
        deletes.increment(deleted);
    }

    private void recordRun(long now, long appendedAt, long rows) {
        if (rows > 0) {
            latencyMs.recordValueWithCount(Math.min(Math.max(0, now - appendedAt), latencyMs.getHighestTrackableValue()), rows);
        }
    }

    private boolean movedPastMarkers() {
        for (TopicPartition tp : consumer.assignment()) {
            Long at = written.get(tp);
            if (at != null && consumer.position(tp) > at) {
                return true;
            }
        }
        return false;
    }

    /** Commits the consumer's positions (past transaction markers too), now that everything before them is written. */
    private void commit() {
        oldestUnwrittenAt = -1;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
            offsets.forEach((tp, o) -> written.put(tp, o.offset()));
        }
    }

    private void measureLag() {
        lastLagNanos = System.nanoTime();
        if (!assigned) {
            return; // not in the group yet: unknown, not "caught up"
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5));
        lag = lagTracker.update(ends, written, oldestUnwrittenAt, System.currentTimeMillis());
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            flush(); // the next owner starts where this one's writes end
            partitions.forEach(written::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned = true;
            for (TopicPartition tp : partitions) {
                written.put(tp, consumer.position(tp));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another member may already write these partitions: drop what was read, never write an older version after a newer one
            batch.clear();
            deadLetters.clear();
            oldestUnwrittenAt = -1;
            partitions.forEach(written::remove);
            for (TopicPartition tp : consumer.assignment()) {
                if (!partitions.contains(tp) && written.containsKey(tp)) {
                    consumer.seek(tp, written.get(tp));
                }
            }
        }
    }

    /** Offsets whose rows are in the target, per partition this sink owns. */
    public Map<TopicPartition, Long> writtenOffsets() {
        return Map.copyOf(written);
    }

    public SinkLag.Reading lag() {
        return lag;
    }

    public long rowsWritten() {
        return rowsWritten.get();
    }

    public long upserts() {
        return (long) upserts.count();
    }

    public long deletes() {
        return (long) deletes.count();
    }

    public String groupId() {
        return settings.groupId();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    /** The latency percentile (ms) over the whole run, from the topic's append time to the write; -1 when none was measured. */
    public long latencyPercentileMs(double percentile) {
        synchronized (latencyMs) {
            return latencyMs.getTotalCount() == 0 ? -1 : latencyMs.getValueAtPercentile(percentile);
        }
    }

    public SinkTarget target() {
        return target;
    }

    /** Throws what stopped the sink, if anything did. */
    public void checkHealthy() {
        Throwable f = failure;
        if (f != null) {
            throw f instanceof SinkException s ? s
                    : new SinkException("the " + target.name() + " sink stopped: " + f.getMessage(), f);
        }
        if (!thread.isAlive() && running) {
            throw new SinkException("the " + target.name() + " sink stopped");
        }
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    /** Writes and commits what it has read, leaves the group, and closes the target. */
    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(60).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        target.close();
    }
}
