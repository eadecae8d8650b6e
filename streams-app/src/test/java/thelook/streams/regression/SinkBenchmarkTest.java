package thelook.streams.regression;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartSinks;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.SinkOptions;
import thelook.streams.names.TopicNames;
import thelook.streams.sink.MartSink;
import thelook.streams.sink.MartTable;
import thelook.streams.sink.bigquery.BigQuerySettings;
import thelook.streams.testing.FakeBigQueryRest;
import thelook.streams.testing.FakeBigQueryWrite;

/**
 * Benchmark only (docs/benchmarks.md): how fast a sink writes mart topics that are already full, from the
 * first record to the last, into DuckDB and into {@link FakeBigQueryWrite}. Point it at a caught-up
 * {@code run}: {@code -Dbenchmark.sink.bootstrap=localhost:9092} (registry {@code -Dbenchmark.sink.registry},
 * default http://localhost:8081).
 */
class SinkBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void sinkThroughput() throws Exception {
        String bootstrap = System.getProperty("benchmark.sink.bootstrap");
        assumeTrue(bootstrap != null, "benchmark only: pass -Dbenchmark.sink.bootstrap=HOST:PORT of a caught-up run");
        KafkaClients clients = new KafkaClients(bootstrap, Map.of());
        RegistrySettings registry = new RegistrySettings(System.getProperty("benchmark.sink.registry", "http://localhost:8081"), Map.of())
                .resolve(false, null);
        TopicNames topics = TopicNames.defaults();
        try (FakeBigQueryRest rest = new FakeBigQueryRest();
             FakeBigQueryWrite write = new FakeBigQueryWrite(Arrays.stream(MartTable.values())
                     .collect(Collectors.toMap(MartTable::tableName, MartTable::keyColumns)));
             var admin = clients.admin()) {
            rest.addDataset("bench", "marts");
            for (SinkOptions options : new SinkOptions[] {
                new SinkOptions(tmp.resolve("bench.duckdb"), null, MartSink.Settings.DEFAULT_MAX_BATCH_ROWS, MartSink.Settings.DEFAULT_FLUSH_INTERVAL),
                SinkOptions.bigquery(new BigQuerySettings("bench", "marts", null, Duration.ofMinutes(1), rest.endpoint(), write.endpoint(),
                        Duration.ofMinutes(1)), MartSink.Settings.DEFAULT_MAX_BATCH_ROWS, MartSink.Settings.DEFAULT_FLUSH_INTERVAL)}) {
                long started = System.nanoTime();
                try (MartSinks sinks = MartSinks.start(options, clients, topics, registry.serdes(false),
                        "bench-" + UUID.randomUUID().toString().substring(0, 6), new SimpleMeterRegistry(), new JobListener() {})) {
                    sinks.awaitCaughtUp(admin, topics, Duration.ofMinutes(30), new JobListener() {});
                    double seconds = (System.nanoTime() - started) / 1e9;
                    MartSink s = sinks.sinks().get(0);
                    long records = s.upserts() + s.deletes();
                    System.out.printf("BENCHMARK sink %s: %,d rows written in %.1f s: %,.0f rows/s%n", s.target().name(), records, seconds,
                            records / seconds);
                }
            }
        }
    }
}
