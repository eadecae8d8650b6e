package thelook.streams.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far the topology is behind: for every partition it reads (the inputs and its own repartition
 * topics), the committed offset of its consumer group against the partition's end. No sleeps decide
 * anything: caught up means nothing is left to read. Under exactly-once the last offset of a
 * partition can be a transaction marker, never delivered; a one-offset gap is checked with a
 * read_committed probe before it counts as a record.
 */
public final class CatchUp {
    private final Admin admin;
    private final String applicationId;
    private final List<String> inputTopics;
    private final KafkaClients clients;

    public CatchUp(Admin admin, KafkaClients clients, String applicationId, List<String> inputTopics) {
        this.admin = admin;
        this.clients = clients;
        this.applicationId = applicationId;
        this.inputTopics = inputTopics;
    }

    /** Records on input partitions not yet processed and committed. */
    public record Lag(long inputRemaining, long internalRemaining) {
        public boolean caughtUp() {
            return inputRemaining == 0 && internalRemaining == 0;
        }
    }

    public Lag lag() {
        try {
            List<String> topics = new ArrayList<>(inputTopics);
            Set<String> all = admin.listTopics().names().get();
            for (String t : all) {
                if (t.startsWith(applicationId + "-") && t.endsWith("-repartition")) {
                    topics.add(t);
                }
            }
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                    d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>(); // only where nothing is committed yet
            for (TopicPartition tp : partitions) {
                latest.put(tp, OffsetSpec.latest());
                if (committed.get(tp) == null) {
                    earliest.put(tp, OffsetSpec.earliest());
                }
            }
            var options = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            var ends = admin.listOffsets(latest, options).all().get();
            var starts = earliest.isEmpty() ? Map.<TopicPartition, ListOffsetsResultInfo>of()
                    : admin.listOffsets(earliest, options).all().get();
            long input = 0, internal = 0;
            Map<TopicPartition, Long> oneBehind = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                long position = c != null ? c.offset() : starts.get(tp).offset();
                long remaining = Math.max(0, ends.get(tp).offset() - position);
                if (remaining == 1) {
                    oneBehind.put(tp, position);
                }
                if (inputTopics.contains(tp.topic())) {
                    input += remaining;
                } else {
                    internal += remaining;
                }
            }
            for (TopicPartition tp : markersOnly(oneBehind)) {
                if (inputTopics.contains(tp.topic())) {
                    input--;
                } else {
                    internal--;
                }
            }
            if (input == 0 && internal == 0 && transactionInFlight()) {
                internal = 1; // written and committed, but the commit's markers are not all out yet: not visible downstream
            }
            return new Lag(input, internal);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading consumer lag", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the lag of " + applicationId + ": " + e.getCause().getMessage(), e);
        }
    }

    private static final Set<TransactionState> OPEN = Set.of(TransactionState.ONGOING, TransactionState.PREPARE_COMMIT,
            TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);
    private boolean transactionsUnlisted;

    /**
     * Whether one of the application's transactions is still open or committing. A commit moves the group's
     * offsets first and writes the markers that make its records readable to each partition after: between
     * the two, the offsets say "done" while a repartition or mart partition still hides the records that
     * commit wrote (seen on a loaded machine: marts written before the last records were processed). The
     * coordinator keeps a transaction in PREPARE_COMMIT until every marker is written. A cluster that will
     * not list transactions (no DESCRIBE on transactional ids, an old broker) leaves only the offsets.
     */
    private boolean transactionInFlight() throws InterruptedException {
        if (transactionsUnlisted) {
            return false;
        }
        try {
            return admin.listTransactions(new ListTransactionsOptions().filterStates(OPEN)).all().get().stream()
                    .anyMatch(t -> t.transactionalId().startsWith(applicationId + "-") && OPEN.contains(t.state()));
        } catch (ExecutionException e) {
            transactionsUnlisted = true;
            return false;
        }
    }

    /** The partitions whose single remaining offset holds no committed record (a transaction marker). */
    private List<TopicPartition> markersOnly(Map<TopicPartition, Long> positions) {
        if (positions.isEmpty()) {
            return List.of();
        }
        Map<String, Object> config = clients.config();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(positions.keySet());
            positions.forEach(consumer::seek);
            var records = consumer.poll(Duration.ofMillis(200));
            List<TopicPartition> markers = new ArrayList<>();
            for (TopicPartition tp : positions.keySet()) {
                if (records.records(tp).isEmpty() && consumer.position(tp, Duration.ofSeconds(5)) > positions.get(tp)) {
                    markers.add(tp);
                }
            }
            return markers;
        }
    }
}
