package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import thelook.streams.serving.ApiServer;
import thelook.streams.sink.MartSink;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.source.OnError;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;
import thelook.streams.app.CatchUp;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.ReplayJob;
import thelook.streams.app.ServiceTopics;
import thelook.streams.app.SinkOptions;
import thelook.streams.embedded.EmbeddedKafka;
import thelook.streams.names.TopicNames;
import thelook.streams.testing.ChildJvm;
import thelook.streams.topology.StoreKind;
import thelook.streams.topology.TheLookTopology;

/**
 * The DuckDB sink for real: its tables and its Parquet snapshots equal the batch oracle after a replay,
 * and after a live service fed updates and deletes mid-stream while a separate {@code sink} process
 * (a child JVM) was killed with {@code kill -9} and restarted.
 */
class DuckDbSinkTest {
    private static final Pattern DELETES = Pattern.compile("([\\d,]+) deletes");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @Test
    void replayIntoDuckDbEqualsTheOracle() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(1000, 17).writeCsv(input);
        Path file = tmp.resolve("warehouse").resolve("marts.duckdb");
        SinkOptions sinks = new SinkOptions(file, Duration.ofSeconds(1), 500, Duration.ofMillis(200));
        var options = new ReplayJob.Options(input, null, new KafkaClients(null, Map.of()), null, TheLookTable.DEFAULT_TOPIC_PREFIX, 2, 2,
                100, StoreKind.MEMORY, OnError.FAIL, Duration.ofMinutes(5), RegistrySettings.inMemory(), sinks);

        ReplayJob.Summary summary = new ReplayJob(options, new JobListener() {}).run();

        assertThat(summary.sinks()).hasSize(1);
        Matcher deletes = DELETES.matcher(summary.sinks().get(0));
        assertThat(deletes.find()).as(summary.sinks().get(0)).isTrue();
        assertThat(Long.parseLong(deletes.group(1).replace(",", ""))).as("tombstones applied as deletes").isPositive();
        assertEqual(MartComparison.compareDuckDb(input, file));
        assertThat(CustomerTiersTest.tiersInDuckDb(file)).as("RFM scores and engagement tiers in the file")
                .isEqualTo(CustomerTiersTest.expectedTiers(input));
        // the last snapshot is taken at close, after the last batch
        assertEqual(MartComparison.compareParquet(input, tmp.resolve("warehouse").resolve("marts-parquet")));
        assertThat(tmp.resolve("warehouse").resolve("marts-parquet").resolve("_snapshot.json")).exists();
    }

    @Test
    void aLiveServiceAndASinkKilledMidStreamEqualTheOracle() throws Exception {
        LiveFeed feed = LiveFeed.prepare(tmp, "sink", 300, 23, 3);
        String prefix = feed.prefix();
        TopicNames topics = feed.topics();
        RegistrySettings registry = feed.registry();
        TopicSerdes serdes = feed.serdes();
        Path expected = feed.expected();
        List<ReplayRecords.Raw> stream = feed.stream();
        Path inService = tmp.resolve("in-service.duckdb");
        Path inChild = tmp.resolve("child").resolve("marts.duckdb");
        String group = "sink-it-" + feed.id();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(null)) {
            KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), Map.of());
            String applicationId = "thelook-" + group;
            var options = new MartsService.Options(clients, registry, topics, applicationId, tmp.resolve("state"), StoreKind.ROCKSDB,
                    2, 0, null, 100, 0, 0, null, OnError.FAIL, Duration.ofMinutes(2), new ApiServer.Settings(0, "localhost", 0, null, false),
                    new SinkOptions(inService, Duration.ofSeconds(1), 1000, Duration.ofMillis(200)));
            String[] childArgs = {"sink", "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", registry.url(),
                "--topic-prefix", prefix, "--group-id", group, "--duckdb", inChild.toString(), "--sink-batch-rows", "100",
                "--sink-flush-ms", "100", "--parquet-every-s", "1", "--port", "0",
                // a killed member holds its partitions until its session expires: 10 s instead of 45
                "--kafka-config", "session.timeout.ms=10000", "--kafka-config", "heartbeat.interval.ms=2000"};
            try (Admin admin = clients.admin();
                 MartsService service = startAfterTopics(admin, topics, options);
                 KafkaProducer<byte[], byte[]> producer = LiveFeed.producer(kafka.bootstrapServers())) {
                ChildJvm child = ChildJvm.start(tmp.resolve("sink-1.log"), childArgs);
                child.awaitOutput("Running", Duration.ofMinutes(2));
                int half = stream.size() / 2;
                LiveFeed.send(producer, stream.subList(0, half), prefix, serdes);
                // a record no mart row can be read from: both sinks put it in the dead-letter topic and go on
                producer.send(new ProducerRecord<>(topics.customerMetrics(), serdes.longKey().serializer().serialize("", 987_654L),
                        "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
                LiveFeed.awaitCommitted(admin, group + "-duckdb"); // the child has written some batches: now it dies mid-stream
                child.kill();
                LiveFeed.send(producer, stream.subList(half, stream.size()), prefix, serdes);
                try (ChildJvm restarted = ChildJvm.start(tmp.resolve("sink-2.log"), childArgs)) {
                    restarted.awaitOutput("Running", Duration.ofMinutes(2));
                    CatchUp catchUp = new CatchUp(admin, clients, applicationId,
                            TheLookTopology.INPUTS.stream().map(t -> t.topic(prefix)).toList());
                    LiveFeed.awaitCaughtUp(catchUp, service);
                    service.sinks().awaitCaughtUp(admin, topics, Duration.ofMinutes(2), new JobListener() {});
                    LiveFeed.awaitGroupCaughtUp(admin, topics, group + "-duckdb");
                    assertReadableWhileRunning(expected, tmp.resolve("in-service-parquet"));
                    assertLagReported(service.apiPort());
                    restarted.awaitOutput("caught up: every mart record is written", Duration.ofMinutes(2));
                    assertThat(restarted.terminate(Duration.ofMinutes(1))).as("exit code after SIGTERM").isZero();
                    assertThat(restarted.output()).contains("stopped cleanly");
                }
                List<ConsumerRecord<byte[], byte[]>> deadLetters = BigQuerySinkTest.deadLetters(kafka.bootstrapServers(), topics);
                assertThat(deadLetters).as("the unreadable record, at least once from each sink").hasSizeGreaterThanOrEqualTo(2)
                        .allSatisfy(r -> assertThat(BigQuerySinkTest.header(r, MartSink.ERROR_HEADER))
                                .contains("cannot decode it as a dim_customer_metrics row"));
            }
        }
        assertEqual(MartComparison.compareDuckDb(expected, inService));
        assertEqual(MartComparison.compareParquet(expected, tmp.resolve("in-service-parquet")));
        assertEqual(MartComparison.compareDuckDb(expected, inChild));
        assertEqual(MartComparison.compareParquet(expected, tmp.resolve("child").resolve("marts-parquet")));
    }

    /**
     * What docs/operations.md tells users to do while the service holds the file: read the Parquet snapshots
     * with another DuckDB (here a separate in-memory database). The next snapshot comes within a second.
     */
    private static void assertReadableWhileRunning(Path expected, Path parquet) throws Exception {
        Thread.sleep(2_000); // one snapshot period after the last write, plus its own time
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM '" + parquet.resolve("dim_customer_metrics.parquet") + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).isPositive();
        }
        assertEqual(MartComparison.compareParquet(expected, parquet));
    }

    /** The sink's lag in /api/instances and at /metrics, caught up. */
    private static void assertLagReported(int apiPort) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String instances = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + apiPort + "/api/instances"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        var sink = new com.fasterxml.jackson.databind.ObjectMapper().readTree(instances).path("instances").get(0).path("sinks").get(0);
        assertThat(sink.path("target").asText()).as(instances).isEqualTo("duckdb");
        assertThat(sink.path("lag_records").asLong(-1)).as(instances).isZero();
        assertThat(sink.path("rows_written").asLong()).as(instances).isPositive();
        String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + apiPort + "/metrics"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("thelook_sink_lag_records{target=\"duckdb\"} 0.0").contains("thelook_sink_lag_seconds{target=\"duckdb\"}")
                .contains("thelook_sink_latency_seconds{target=\"duckdb\",quantile=\"0.99\"}");
    }

    private static void assertEqual(MartComparison.Result result) {
        assertThat(result.differences()).as(result.toString()).isEmpty();
        assertThat(result.rowsPerMart().get("fct_cross_sell_candidates")).isPositive();
    }

    static MartsService startAfterTopics(Admin admin, TopicNames topics, MartsService.Options options) {
        ServiceTopics.ensure(admin, topics, 3);
        return MartsService.start(options, new JobListener() {});
    }
}
