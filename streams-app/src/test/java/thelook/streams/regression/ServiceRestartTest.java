package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.source.OnError;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.BackfillJob;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.names.TopicNames;
import thelook.streams.topology.StoreKind;

/**
 * {@code run} in its embedded default (its own persistent broker and registry over HTTP on free ports):
 * {@code run --input} equals the oracle; a {@code backfill} of the same directory into the running
 * service changes nothing; a restart over the same state dir serves the same marts without reading a
 * single input record again (Kafka's own consumer counter), and the schema ids in the topics still resolve.
 */
class ServiceRestartTest {
    @TempDir
    Path tmp;

    @Test
    void runBackfillAgainAndRestartWithoutReprocessing() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(300, 11).writeCsv(input);
        int kafkaPort = ApicurioRegistry.freePort();
        int registryPort = ApicurioRegistry.freePort();
        Path state = tmp.resolve("state");

        Path first;
        long readFirst;
        try (MartsService service = MartsService.start(options(state, kafkaPort, registryPort, input), new JobListener() {})) {
            awaitCaughtUp(service);
            readFirst = service.inputRecordsRead();
            first = tmp.resolve("first");
            service.app().writeMartCsvs(first);
            assertEqualToOracle(input, first);

            // the same directory again, from outside: its checkpoint says it is done, so nothing is produced ...
            var backfill = new BackfillJob.Options(input, new KafkaClients("localhost:" + kafkaPort, Map.of()),
                    new RegistrySettings("http://localhost:" + registryPort, Map.of()), TopicNames.defaults(), null, OnError.FAIL);
            BackfillJob.Summary done = new BackfillJob(backfill, new JobListener() {}).run();
            assertThat(done.alreadyComplete()).isTrue();
            assertThat(done.records()).isZero();
            // ... and with --restart into the running service: no "empty topics" rule, no change
            var again = new BackfillJob.Options(backfill.source(), backfill.clients(), backfill.registry(), backfill.topics(), null,
                    OnError.FAIL, BackfillJob.Plan.DEFAULT.restarted());
            BackfillJob.Summary summary = new BackfillJob(again, new JobListener() {}).run();
            assertThat(summary.records()).isPositive();
            awaitCaughtUp(service);
            assertThat(service.inputRecordsRead()).isEqualTo(2 * readFirst);
            Path second = tmp.resolve("again");
            service.app().writeMartCsvs(second);
            assertSameFiles(first, second);
        }
        assertThat(readFirst).isPositive();

        try (MartsService restarted = MartsService.start(options(state, kafkaPort, registryPort, null), new JobListener() {})) {
            awaitCaughtUp(restarted);
            Path after = tmp.resolve("after-restart");
            restarted.app().writeMartCsvs(after);
            assertSameFiles(first, after);
            assertThat(restarted.inputRecordsRead()).as("input records read after the restart").isZero();
        }
    }

    private static MartsService.Options options(Path state, int kafkaPort, int registryPort, Path input) {
        return new MartsService.Options(new KafkaClients(null, Map.of()), new RegistrySettings(null, Map.of()),
                TopicNames.defaults(), "thelook-streams", state, StoreKind.ROCKSDB, 2, 0, null, 100, kafkaPort, registryPort,
                input, OnError.FAIL, Duration.ofMinutes(2), null);
    }

    static void awaitCaughtUp(MartsService service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!service.lag().caughtUp()) {
            service.app().checkHealthy();
            assertThat(System.nanoTime()).as("caught up within 2 minutes").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    static void assertEqualToOracle(Path input, Path marts) throws Exception {
        MartComparison.Result result = MartComparison.compare(input, marts);
        assertThat(result.differences()).as(result.toString()).isEmpty();
        assertThat(result.rowsPerMart().get("fct_cross_sell_candidates")).isPositive();
    }

    private static void assertSameFiles(Path expected, Path actual) throws Exception {
        for (String mart : new String[] {"dim_customer_metrics", "dim_product_performance", "fct_cross_sell_candidates"}) {
            assertThat(Files.readString(actual.resolve(mart + ".csv"))).as(mart)
                    .isEqualTo(Files.readString(expected.resolve(mart + ".csv")));
        }
    }
}
