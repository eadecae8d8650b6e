package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.source.OnError;
import thelook.schemas.TopicSerdes;
import thelook.streams.app.CatchUp;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.embedded.EmbeddedKafka;
import thelook.streams.names.TopicNames;
import thelook.streams.sink.MartSink;
import thelook.streams.sink.MartTable;
import thelook.streams.testing.ChildJvm;
import thelook.streams.testing.FakeBigQueryRest;
import thelook.streams.testing.FakeBigQueryWrite;
import thelook.streams.topology.StoreKind;
import thelook.streams.topology.TheLookTopology;

/**
 * The BigQuery sink end to end, against the fakes (no BigQuery can run here): a live service fed updates
 * and deletes mid-stream, a {@code sink --bigquery} child JVM killed with {@code kill -9} and restarted,
 * the fake failing 10% of the appends; the fake's tables then equal the batch oracle, every tombstone
 * became a delete, and the one product whose rows the fake refuses is in the dead-letter topic with the
 * reason, and only missing from the table.
 */
class BigQuerySinkTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @Test
    void transientErrorsAndACrashedSinkStillLeaveTheMartsInBigQuery() throws Exception {
        LiveFeed feed = LiveFeed.prepare(tmp, "bq", 300, 29, 5);
        String prefix = feed.prefix();
        TopicNames topics = feed.topics();
        RegistrySettings registry = feed.registry();
        TopicSerdes serdes = feed.serdes();
        Path expected = feed.expected();
        List<ReplayRecords.Raw> stream = feed.stream();
        long refusedProduct = Long.parseLong(Files.readAllLines(expected.resolve("products.csv")).get(1).split(",")[0]);
        String group = "bq-it-" + feed.id();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(null);
             FakeBigQueryRest rest = new FakeBigQueryRest();
             FakeBigQueryWrite write = new FakeBigQueryWrite(Arrays.stream(MartTable.values())
                     .collect(Collectors.toMap(MartTable::tableName, MartTable::keyColumns)))) {
            rest.addDataset("test-project", "marts");
            write.failAShareOfAppends(0.10);
            write.refuseRows((table, row) -> table.equals("dim_product_performance") && Long.valueOf(refusedProduct).equals(row.get("product_id"))
                    ? "simulated: product " + refusedProduct + " does not fit" : null);
            KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), Map.of());
            String applicationId = "thelook-" + group;
            var options = new MartsService.Options(clients, registry, topics, applicationId, tmp.resolve("state"), StoreKind.ROCKSDB,
                    2, 0, null, 100, 0, 0, null, OnError.FAIL, Duration.ofMinutes(2), null);
            String[] childArgs = {"sink", "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", registry.url(),
                "--topic-prefix", prefix, "--group-id", group, "--bigquery", "test-project.marts",
                "--bigquery-api-endpoint", rest.endpoint(), "--bigquery-write-endpoint", write.endpoint(),
                "--sink-batch-rows", "100", "--sink-flush-ms", "100", "--port", "0",
                // a killed member holds its partitions until its session expires: 10 s instead of 45
                "--kafka-config", "session.timeout.ms=10000", "--kafka-config", "heartbeat.interval.ms=2000"};
            try (Admin admin = clients.admin();
                 MartsService service = DuckDbSinkTest.startAfterTopics(admin, topics, options);
                 KafkaProducer<byte[], byte[]> producer = LiveFeed.producer(kafka.bootstrapServers())) {
                ChildJvm child = ChildJvm.start(tmp.resolve("sink-1.log"), childArgs);
                child.awaitOutput("Running", Duration.ofMinutes(2));
                int half = stream.size() / 2;
                LiveFeed.send(producer, stream.subList(0, half), prefix, serdes);
                LiveFeed.awaitCommitted(admin, group + "-bigquery"); // some batches are in: now it dies mid-stream
                child.kill();
                LiveFeed.send(producer, stream.subList(half, stream.size()), prefix, serdes);
                try (ChildJvm restarted = ChildJvm.start(tmp.resolve("sink-2.log"), childArgs)) {
                    restarted.awaitOutput("Running", Duration.ofMinutes(2));
                    CatchUp catchUp = new CatchUp(admin, clients, applicationId,
                            TheLookTopology.INPUTS.stream().map(t -> t.topic(prefix)).toList());
                    LiveFeed.awaitCaughtUp(catchUp, service);
                    LiveFeed.awaitGroupCaughtUp(admin, topics, group + "-bigquery");
                    assertThat(restarted.terminate(Duration.ofMinutes(1))).as("exit code after SIGTERM").isZero();
                }
            }
            assertThat(write.injectedFailures.get()).as("appends the fake failed, of " + write.appends.get()).isPositive();
            assertThat(write.deletes.get()).as("tombstones applied as deletes").isPositive();
            assertThat(rest.table("test-project", "marts", "dim_customer_metrics").path("tableConstraints").path("primaryKey")
                    .path("columns").toString()).isEqualTo("[\"user_id\"]");

            Path file = tmp.resolve("fake-bigquery.duckdb");
            copyToDuckDb(write, file);
            MartComparison.Result result = MartComparison.compareDuckDb(expected, file);
            assertThat(result.differences()).as(result.toString())
                    .containsExactly("dim_product_performance [product_id=" + refusedProduct + "]: missing from the streaming mart");
            List<ConsumerRecord<byte[], byte[]>> deadLetters = deadLetters(kafka.bootstrapServers(), topics);
            assertThat(deadLetters).isNotEmpty().allSatisfy(r -> {
                assertThat(header(r, MartSink.ERROR_HEADER)).contains("simulated: product " + refusedProduct + " does not fit");
                assertThat(header(r, MartSink.SOURCE_HEADER)).startsWith(topics.productPerformance() + "-");
                assertThat(header(r, MartSink.TARGET_HEADER)).isEqualTo("bigquery");
            });
        }
    }

    /** The fake's tables as DuckDB tables of the marts' columns, for the oracle to compare. */
    static void copyToDuckDb(FakeBigQueryWrite write, Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement st = c.createStatement()) {
            for (MartTable t : MartTable.values()) {
                st.execute("CREATE TABLE " + t.tableName() + " (" + t.columns().stream()
                        .map(col -> col.name() + " " + switch (col.type()) {
                            case INT64 -> "BIGINT";
                            case FLOAT64 -> "DOUBLE";
                            case TIMESTAMP -> "TIMESTAMP";
                            case STRING -> "VARCHAR";
                        }).collect(Collectors.joining(", ")) + ")");
                String values = t.columns().stream().map(col -> col.type() == MartTable.Type.TIMESTAMP ? "make_timestamp(?)" : "?")
                        .collect(Collectors.joining(", "));
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + t.tableName() + " VALUES (" + values + ")")) {
                    for (Map<String, Object> row : write.table(t.tableName()).values()) {
                        for (int i = 0; i < t.columns().size(); i++) {
                            insert.setObject(i + 1, row.get(t.columns().get(i).name()));
                        }
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> deadLetters(String bootstrap, TopicNames topics) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topics.deadLetters(), 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            while (consumer.position(p) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
