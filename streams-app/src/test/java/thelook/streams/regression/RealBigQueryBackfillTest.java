package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.bigquery.BigQuerySourceSettings;
import thelook.backfill.source.OnError;
import thelook.schemas.TheLookTable;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.ReplayJob;
import thelook.streams.app.SourceSpec;
import thelook.streams.topology.StoreKind;

/**
 * Opt-in: a replay of the real public {@code bigquery-public-data.thelook_ecommerce} through the Storage Read
 * API into the marts, when {@code THELOOK_BIGQUERY_SOURCE_TEST=BILLING_PROJECT} and Application Default
 * Credentials are set (docs/backfill.md, testing; the reads are billed to that project, docs/backfill.md, costs). It
 * checks the marts have rows for users and products and that no record went to the dead-letter topic. Skipped otherwise.
 */
class RealBigQueryBackfillTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void aReplayOfThePublicDatasetFillsTheMarts() throws Exception {
        String billing = System.getenv("THELOOK_BIGQUERY_SOURCE_TEST");
        assumeTrue(billing != null && !billing.isBlank(), "set THELOOK_BIGQUERY_SOURCE_TEST=BILLING_PROJECT and Application Default"
                + " Credentials to read the public theLook dataset from real BigQuery (docs/backfill.md, testing)");
        SourceSpec source = new SourceSpec(SourceSpec.Kind.BIGQUERY, null, 0, 0,
                BigQuerySourceSettings.parse("", billing, null, null, null, 4));
        try (var opened = source.open(EnumSet.of(TheLookTable.USERS, TheLookTable.PRODUCTS), null, null, null)) {
            assertThat(opened.inputBytes()).isPositive();
        }
        var options = new ReplayJob.Options(null, tmp.resolve("marts"), new KafkaClients(null, Map.of()), null,
                TheLookTable.DEFAULT_TOPIC_PREFIX, 2, 2, 1000, StoreKind.ROCKSDB, OnError.FAIL, Duration.ofMinutes(30),
                RegistrySettings.inMemory(), thelook.streams.app.SinkOptions.none(), source);
        ReplayJob.Summary summary = new ReplayJob(options, new JobListener() {}).run();
        assertThat(summary.rowsPerMart().get("dim_customer_metrics")).isPositive();
        assertThat(summary.rowsPerMart().get("dim_product_performance")).isPositive();
        assertThat(summary.deadLetters()).isZero();
    }
}
