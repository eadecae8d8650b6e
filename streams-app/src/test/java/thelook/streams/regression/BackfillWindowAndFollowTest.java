package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.bigquery.BigQuerySourceSettings;
import thelook.backfill.generate.TheLookGenerator;
import thelook.backfill.pace.Pacer;
import thelook.backfill.source.OnError;
import thelook.schemas.TheLookTable;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.BackfillJob;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.SourceSpec;
import thelook.streams.names.TopicNames;
import thelook.streams.serving.ApiServer;
import thelook.streams.testing.FakeBigQueryRead;
import thelook.streams.testing.FakeBigQueryRest;
import thelook.streams.testing.FakeTheLookDataset;
import thelook.streams.topology.StoreKind;

/**
 * The backfill inside and beside a running service: {@code --until T} and then {@code --since T} from the
 * generator equal the oracle of the whole snapshot; {@code run --source bigquery:} shows the backfill's
 * metrics at /metrics; {@code --follow} produces rows created after the snapshot, each once.
 */
class BackfillWindowAndFollowTest {
    private static final String PROJECT = "fake-data-project";
    private static final String DATASET = "thelook";

    @TempDir
    Path tmp;

    private static MartsService.Options service(Path state, SourceSpec source) {
        return new MartsService.Options(new KafkaClients(null, Map.of()), new RegistrySettings(null, Map.of()), TopicNames.defaults(),
                "thelook-streams", state, StoreKind.MEMORY, 2, 0, null, 100, ApicurioRegistry.freePort(),
                ApicurioRegistry.freePort(), null, OnError.FAIL, Duration.ofMinutes(2),
                new ApiServer.Settings(0, "localhost", 0, null, false), thelook.streams.app.SinkOptions.none(), source);
    }

    private static BackfillJob.Options backfill(MartsService service, SourceSpec source, BackfillJob.Plan plan) {
        return new BackfillJob.Options(source, service.clients(), service.registry(), TopicNames.defaults(), null, OnError.FAIL, plan);
    }

    @Test
    void untilAndThenSinceFromTheGeneratorEqualTheWholeSnapshot() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(250, 17).writeCsv(input); // the oracle's copy of what generate:users=250,seed=17 makes
        Instant t = Instant.parse("2023-01-01T00:00:00Z");
        SourceSpec generated = SourceSpec.generate(250, 17);
        try (MartsService service = MartsService.start(service(tmp.resolve("state"), null), new JobListener() {})) {
            var until = new BackfillJob.Plan(EnumSet.allOf(TheLookTable.class), null, t, Pacer.unlimited(), false,
                    Duration.ofSeconds(30), Duration.ZERO, false, Duration.ofSeconds(5));
            var since = new BackfillJob.Plan(EnumSet.allOf(TheLookTable.class), t, null, Pacer.unlimited(), false,
                    Duration.ofSeconds(30), Duration.ZERO, false, Duration.ofSeconds(5));
            long first = new BackfillJob(backfill(service, generated, until), new JobListener() {}).run().records();
            long second = new BackfillJob(backfill(service, generated, since), new JobListener() {}).run().records();
            assertThat(first).isPositive();
            assertThat(second).isPositive();
            ServiceRestartTest.awaitCaughtUp(service);
            Path marts = tmp.resolve("marts");
            service.app().writeMartCsvs(marts);
            ServiceRestartTest.assertEqualToOracle(input, marts);
        }
    }

    @Test
    void runFromBigQueryShowsBackfillMetricsAndFollowProducesNewRowsOnce() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(100, 5).writeCsv(input);
        try (FakeBigQueryRest rest = new FakeBigQueryRest(); FakeBigQueryRead read = new FakeBigQueryRead()) {
            FakeTheLookDataset.serve(input, PROJECT, DATASET, rest, read);
            SourceSpec bigquery = new SourceSpec(SourceSpec.Kind.BIGQUERY, null, 0, 0, BigQuerySourceSettings.parse(
                    PROJECT + "." + DATASET, "fake-billing-project", null, rest.endpoint(), read.endpoint(), 2));
            try (MartsService service = MartsService.start(service(tmp.resolve("state"), bigquery), new JobListener() {})) {
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + service.apiPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("thelook_backfill_records_total{table=\"events\"}")
                        .contains("thelook_backfill_event_time_seconds");

                var follow = new BackfillJob.Plan(EnumSet.allOf(TheLookTable.class), null, null, Pacer.unlimited(), true,
                        Duration.ofMillis(500), Duration.ofMinutes(10), false, Duration.ofSeconds(1));
                var followOptions = backfill(service, bigquery, follow);
                BackfillJob job = new BackfillJob(new BackfillJob.Options(followOptions.source(), followOptions.clients(),
                        followOptions.registry(), followOptions.topics(), null, OnError.SKIP, follow), new JobListener() {});
                CompletableFuture<Void> following = new CompletableFuture<>();
                Thread thread = new Thread(() -> {
                    try {
                        job.run();
                        following.complete(null);
                    } catch (Throwable e) {
                        following.completeExceptionally(e);
                    }
                }, "follow");
                thread.start();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (!job.snapshotDone()) {
                    assertThat(System.nanoTime()).as("the completed snapshot is seen").isLessThan(deadline);
                    Thread.sleep(50);
                }
                Instant now = Instant.now();
                read.addRow(PROJECT, DATASET, "users", Map.of("id", 900_001L, "created_at", now, "first_name", "Ada"));
                read.addRow(PROJECT, DATASET, "events", Map.of("id", 900_002L, "user_id", 900_001L, "session_id", "s-900001",
                        "created_at", now.plusMillis(5), "uri", "/product/1", "event_type", "product", "sequence_number", 1L));
                read.addRow(PROJECT, DATASET, "events", Map.of("user_id", 900_001L, "created_at", now.plusMillis(6))); // no id
                String row = null;
                while (row == null) {
                    assertThat(following).isNotDone();
                    assertThat(System.nanoTime()).as("the followed user reaches the mart").isLessThan(deadline);
                    Thread.sleep(300);
                    Path marts = tmp.resolve("marts-" + System.nanoTime());
                    service.app().writeMartCsvs(marts);
                    row = Files.readAllLines(marts.resolve("dim_customer_metrics.csv")).stream()
                            .filter(l -> l.startsWith("900001,")).findFirst().orElse(null);
                }
                Thread.sleep(1500); // a few more looks, which must leave the followed rows out
                job.stop();
                try {
                    following.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException stopped) {
                    assertThat(stopped.getCause()).isInstanceOf(InterruptedException.class);
                }
                ServiceRestartTest.awaitCaughtUp(service);
                Path marts = tmp.resolve("final");
                service.app().writeMartCsvs(marts);
                assertThat(Files.readAllLines(marts.resolve("dim_customer_metrics.csv")).stream().filter(l -> l.startsWith("900001,")))
                        .singleElement().asString().startsWith("900001,1,1,"); // one event, one session: followed once
                assertThat(recordsWithKey(service, TheLookTable.EVENTS, 900_002L)).as("the followed event, produced once"
                        + " over several looks that each saw it").isEqualTo(1);
                assertThat(read.restrictions).anySatisfy(r -> assertThat(r).startsWith("created_at >= TIMESTAMP"));
                assertThat(deadLetterReasons(service)).as("the followed row without a key, once, with its reason")
                        .singleElement().asString().contains("thelook.events").contains("column id: the primary key is NULL");
            }
        }
    }

    private static long recordsWithKey(MartsService service, TheLookTable table, long key) {
        var deserializer = service.registry().serdes(false).longKey().deserializer();
        String topic = table.topic(TheLookTable.DEFAULT_TOPIC_PREFIX);
        return readAll(service, topic).stream().filter(r -> deserializer.deserialize(topic, r.key()) == key).count();
    }

    private static java.util.List<String> deadLetterReasons(MartsService service) {
        return deadLetterReasons(service, "thelook.backfill.error");
    }

    /** The values of header {@code header} in the dead-letter topic. */
    static java.util.List<String> deadLetterReasons(MartsService service, String header) {
        return readAll(service, TopicNames.defaults().deadLetters()).stream()
                .map(r -> r.headers().lastHeader(header)).filter(java.util.Objects::nonNull)
                .map(h -> new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    /** Every record of {@code topic} up to its end now. */
    private static java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> readAll(MartsService service,
                                                                                                         String topic) {
        java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(service.clients().config(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
