package thelook.streams.regression;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.bigquery.BigQuerySourceSettings;
import thelook.backfill.plan.ReplayPlan;
import thelook.backfill.source.OnError;
import thelook.streams.app.BackfillJob;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.SourceSpec;
import thelook.streams.embedded.EmbeddedKafka;
import thelook.streams.names.TopicNames;
import thelook.streams.testing.FakeBigQueryRead;
import thelook.streams.testing.FakeBigQueryRest;
import thelook.streams.testing.FakeTheLookDataset;

/**
 * Benchmark, not a test (docs/benchmarks.md, backfill): the backfill's rate into a broker of its own (the
 * embedded one, in this JVM, nothing else consuming), from CSV ({@code -Dbenchmark.backfill.input=DIR}) and,
 * with {@code -Dbenchmark.backfill.bigquery=DIR}, from {@link FakeBigQueryRead} serving that directory. Prints
 * the seconds of each phase (reading and sorting, producing) and the records per second. Skipped otherwise.
 */
class BackfillBenchmarkTest {
    @TempDir
    Path tmp;

    /** Seconds per phase, as the job reports them. */
    private static final class Phases implements JobListener {
        final Map<String, Double> seconds = new LinkedHashMap<>();
        private String phase;
        private long started;
        long records;

        @Override
        public void phase(String name, long total) {
            end();
            phase = name;
            started = System.nanoTime();
        }

        @Override
        public void planned(ReplayPlan plan) {
            records = plan.size();
        }

        void end() {
            if (phase != null) {
                seconds.merge(phase.replaceAll(" .*", ""), (System.nanoTime() - started) / 1e9, Double::sum);
            }
            phase = null;
        }
    }

    @Test
    void produceRate() throws Exception {
        String csv = System.getProperty("benchmark.backfill.input");
        String bigquery = System.getProperty("benchmark.backfill.bigquery");
        assumeTrue(csv != null || bigquery != null, "benchmark only: pass -Dbenchmark.backfill.input=DIR and/or"
                + " -Dbenchmark.backfill.bigquery=DIR");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"))) {
            KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), Map.of());
            RegistrySettings registry = new RegistrySettings("mock://backfill-benchmark", Map.of()).resolve(false, null);
            if (csv != null) {
                run("csv", SourceSpec.csv(Path.of(csv)), clients, registry, "csv.");
            }
            if (bigquery != null) {
                try (FakeBigQueryRest rest = new FakeBigQueryRest(); FakeBigQueryRead read = new FakeBigQueryRead()) {
                    long loading = System.nanoTime();
                    FakeTheLookDataset.serve(Path.of(bigquery), "bench", "thelook", rest, read);
                    System.out.printf("BENCH fake BigQuery loaded in %.1f s%n", (System.nanoTime() - loading) / 1e9);
                    run("fake-bigquery", new SourceSpec(SourceSpec.Kind.BIGQUERY, null, 0, 0, BigQuerySourceSettings.parse(
                            "bench.thelook", "bench", null, rest.endpoint(), read.endpoint(), 4)), clients, registry, "bq.");
                }
            }
        }
    }

    private static void run(String name, SourceSpec source, KafkaClients clients, RegistrySettings registry, String prefix)
            throws Exception {
        Phases phases = new Phases();
        var options = new BackfillJob.Options(source, clients, registry, new TopicNames(prefix), 2, OnError.FAIL,
                BackfillJob.Plan.DEFAULT);
        BackfillJob.Summary summary = new BackfillJob(options, phases).run();
        phases.end();
        double producing = phases.seconds.getOrDefault("Producing", 0.0);
        System.out.printf("BENCH %s: %,d records in %.1f s (%,.0f records/s overall); phases %s; producing alone %,.0f records/s;"
                        + " %,d bytes read%n", name, summary.records(), summary.seconds(), summary.recordsPerSecond(), phases.seconds,
                producing > 0 ? summary.records() / producing : 0, summary.bytesRead());
    }
}
