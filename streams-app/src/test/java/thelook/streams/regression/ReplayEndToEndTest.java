package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.csv.OnError;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TheLookTable;
import thelook.streams.app.ReplayJob;
import thelook.streams.embedded.EmbeddedKafka;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole replay on a real in-process KRaft broker (the embedded default): CSVs -> backfill -> Kafka ->
 * Kafka Streams (EOS v2, two partitions, two threads) -> mart CSVs, compared with the batch oracle.
 */
class ReplayEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void replayOnTheEmbeddedBrokerEqualsBatch() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(1500, 42).writeCsv(input);
        Path output = tmp.resolve("marts");
        var options = new ReplayJob.Options(input, output, null, null, TheLookTable.DEFAULT_TOPIC_PREFIX, 2, 2, 100,
                OnError.FAIL, Duration.ofMinutes(5));

        ReplayJob.Summary summary = new ReplayJob(options, new ReplayJob.Listener() {}).run();

        assertThat(summary.rowsPerMart()).containsEntry("dim_customer_metrics", 1500L);
        assertThat(summary.deadLetters()).isZero();
        MartComparison.Result result = MartComparison.compare(input, output);
        assertThat(result.differences()).as(result.toString()).isEmpty();
        assertThat(result.rowsPerMart().get("fct_cross_sell_candidates")).isPositive();
    }

    @Test
    void anExternalClusterWithATopicPrefixAndNoReplayIntoUsedTopics() throws Exception {
        Path input = tmp.resolve("small");
        new TheLookGenerator(200, 5).writeCsv(input);
        try (EmbeddedKafka cluster = EmbeddedKafka.start(null)) { // stands in for an external cluster
            var options = new ReplayJob.Options(input, tmp.resolve("out"), cluster.bootstrapServers(), tmp.resolve("state"),
                    "team-a.", 3, 1, 100, OnError.FAIL, Duration.ofMinutes(5));
            ReplayJob.Summary summary = new ReplayJob(options, new ReplayJob.Listener() {}).run();
            assertThat(summary.rowsPerMart()).containsEntry("dim_customer_metrics", 200L);
            MartComparison.Result result = MartComparison.compare(input, tmp.resolve("out"));
            assertThat(result.differences()).as(result.toString()).isEmpty();

            assertThatThrownBy(() -> new ReplayJob(options, new ReplayJob.Listener() {}).run())
                    .hasMessageContaining("team-a.products already holds records")
                    .hasMessageContaining("--topic-prefix");
        }
    }
}
