package thelook.streams.regression;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.generate.LiveActivity;
import thelook.backfill.generate.TheLookGenerator;
import thelook.backfill.pace.Pacer;
import thelook.backfill.source.OnError;
import thelook.schemas.TheLookTable;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.IngestService;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.SinkOptions;
import thelook.streams.app.SourceSpec;
import thelook.streams.ingest.DirectRows;
import thelook.streams.ingest.LiveLoad;
import thelook.streams.ingest.PubSubAccess;
import thelook.streams.ingest.PubSubIngest;
import thelook.streams.ingest.RowPublisher;
import thelook.streams.names.TopicNames;
import thelook.streams.serving.ApiServer;
import thelook.streams.testing.PubSubEmulator;
import thelook.streams.topology.StoreKind;

/**
 * Freshness under live load (docs/benchmarks.md), not a test: a {@code run} (embedded broker, exactly-once) holding
 * a generated history, {@code ingest pubsub} from the emulator, {@code publish}'s live activity at the given rate,
 * and probes: an event for a user the load never touches is published, and the API polled every 2 ms until that
 * customer's {@code total_events} moved; the time from the publish call to that answer is recorded.
 * {@code -Dbenchmark.freshness=2000} (rows/s), {@code -Dbenchmark.freshness.users=20000},
 * {@code -Dbenchmark.freshness.seconds=60}, {@code -Dbenchmark.freshness.ordered=true}, {@code -Dbenchmark.freshness.stores=rocksdb},
 * {@code -Dbenchmark.freshness.direct=false} (true: the load and the probes go straight to Kafka, no Pub/Sub), and
 * {@code -Dbenchmark.freshness.commit-interval-ms=100}.
 */
class FreshnessBenchmarkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);
    private static final long PROBE_USER = 50_000_000L;
    private static final int PROBE_USERS = 10;

    @TempDir
    Path tmp;

    @Test
    void publishToApi() throws Exception {
        String rate = System.getProperty("benchmark.freshness");
        assumeTrue(rate != null, "benchmark only: pass -Dbenchmark.freshness=ROWS_PER_SECOND");
        int users = Integer.getInteger("benchmark.freshness.users", 20_000);
        Duration length = Duration.ofSeconds(Long.getLong("benchmark.freshness.seconds", 60));
        Path history = tmp.resolve("history");
        new TheLookGenerator(users, 42).writeCsv(history);
        var options = new MartsService.Options(new KafkaClients(null, Map.of()), new RegistrySettings(null, Map.of()),
                TopicNames.defaults(), "thelook-freshness", tmp.resolve("state"),
                StoreKind.valueOf(System.getProperty("benchmark.freshness.stores", "rocksdb").toUpperCase()), 2, 0, null,
                Long.getLong("benchmark.freshness.commit-interval-ms", 100),
                ApicurioRegistry.freePort(), ApicurioRegistry.freePort(), null, OnError.FAIL, Duration.ofMinutes(5),
                new ApiServer.Settings(0, "localhost", 0, null, false), SinkOptions.none(), SourceSpec.csv(history));
        try (PubSubEmulator emulator = PubSubEmulator.start(tmp.resolve("emulator"));
             MartsService service = MartsService.start(options, new JobListener() {})) {
            awaitCaughtUp(service);
            String base = "http://localhost:" + service.apiPort();
            boolean ordered = Boolean.parseBoolean(System.getProperty("benchmark.freshness.ordered", "true"));
            String subscription = emulator.createSubscription("thelook-bench", "thelook-live", "thelook-ingest", 10, ordered);
            var ingestOptions = new IngestService.Options(service.clients(), service.registry(), TopicNames.defaults(),
                    new PubSubIngest.Settings(subscription, 10_000, 100L << 20), emulator.hostPort(), null, -1);
            boolean direct = Boolean.getBoolean("benchmark.freshness.direct");
            try (IngestService ingest = direct ? null : IngestService.start(ingestOptions, new JobListener() {});
                 PubSubAccess access = PubSubAccess.of(emulator.hostPort(), null);
                 RowPublisher pubsub = new RowPublisher("projects/thelook-bench/topics/thelook-live", access);
                 DirectRows kafka = new DirectRows(service.clients().config(), service.registry().serdes(false), TopicNames.defaults())) {
                LiveLoad.Rows publisher = direct ? kafka : row -> pubsub.publish(row.table(), row.key(), row.columns(), false);
                for (long u = PROBE_USER; u < PROBE_USER + PROBE_USERS; u++) {
                    publisher.accept(new LiveActivity.LiveRow(TheLookTable.USERS, u, Map.of("id", u, "created_at", TIME.format(Instant.now()))));
                }
                for (long u = PROBE_USER; u < PROBE_USER + PROBE_USERS; u++) {
                    while (events(base, u) < 0) {
                        Thread.sleep(50);
                    }
                }
                LiveLoad load = new LiveLoad(new LiveActivity(users, 7, System.currentTimeMillis() * 1000),
                        Pacer.parse("max", rate + "/s", Pacer.SYSTEM), publisher);
                Thread loader = new Thread(() -> {
                    try {
                        load.run(null, null);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                loader.start();
                Thread.sleep(5_000); // the load settles
                Histogram micros = new Histogram(3);
                int timeouts = 0;
                long probeId = 9_000_000_000L;
                long loadStart = load.handed();
                long start = System.nanoTime();
                long end = start + length.toNanos();
                int k = 0;
                while (System.nanoTime() < end) {
                    long user = PROBE_USER + (k++ % PROBE_USERS);
                    long before = events(base, user);
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("id", ++probeId);
                    event.put("user_id", user);
                    event.put("sequence_number", 1);
                    event.put("session_id", "probe-" + probeId);
                    event.put("created_at", TIME.format(Instant.now()));
                    event.put("uri", "/home");
                    event.put("event_type", "home");
                    long sent = System.nanoTime();
                    publisher.accept(new LiveActivity.LiveRow(TheLookTable.EVENTS, probeId, event));
                    boolean seen = false;
                    while (System.nanoTime() - sent < 10_000_000_000L) {
                        if (events(base, user) > before) {
                            seen = true;
                            break;
                        }
                        Thread.sleep(2);
                    }
                    if (seen) {
                        micros.recordValue((System.nanoTime() - sent) / 1000);
                    } else {
                        timeouts++;
                    }
                    Thread.sleep(100);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long loadRows = load.handed() - loadStart;
                load.stop();
                loader.join(10_000);
                System.out.printf("freshness (%s) at %s rows/s offered, %.0f rows/s published (%d failed): %d probes, p50 %.0f ms,"
                                + " p90 %.0f ms, p99 %.0f ms, max %.0f ms, %d not seen within 10 s; ingest received %s%n",
                        direct ? "straight to Kafka" : ordered ? "ordered subscription" : "unordered subscription", rate,
                        loadRows / seconds, direct ? kafka.failed() : pubsub.failed(), micros.getTotalCount(),
                        micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(90) / 1000.0,
                        micros.getValueAtPercentile(99) / 1000.0, micros.getMaxValue() / 1000.0, timeouts,
                        direct ? "-" : ingest.meters().find("thelook.ingest.received").counter().count());
                System.out.println("at the end: " + service.lag() + (direct ? "" : "; ingest ack latency p50/p99 (s): "
                        + java.util.Arrays.toString(ingest.meters().find("thelook.ingest.ack.latency").timer().takeSnapshot().percentileValues())));
            }
        }
    }

    private static long events(String base, long user) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/customers/" + user)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return -1;
        }
        JsonNode row = JSON.readTree(r.body());
        return row.get("total_events").asLong();
    }

    private static void awaitCaughtUp(MartsService service) throws InterruptedException {
        while (!service.lag().caughtUp()) {
            service.app().checkHealthy();
            Thread.sleep(500);
        }
    }
}
