package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.source.OnError;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TheLookTable;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.ReplayJob;
import thelook.streams.app.SinkOptions;
import thelook.streams.sink.MartTable;
import thelook.streams.sink.bigquery.BigQuerySettings;
import thelook.streams.topology.StoreKind;

/**
 * Opt-in, against real BigQuery: set {@code THELOOK_BIGQUERY_TEST=PROJECT.DATASET} (a scratch dataset: the
 * test drops and recreates the three mart tables in it) and Application Default Credentials (or
 * {@code GOOGLE_APPLICATION_CREDENTIALS}). A replay of 200 generated users with {@code --bigquery} and
 * {@code max_staleness} 0, then the tables, queried, equal the batch oracle. Skipped otherwise.
 */
class RealBigQuerySinkTest {
    @TempDir
    Path tmp;

    @Test
    void aReplayIntoRealBigQueryEqualsTheOracle() throws Exception {
        String target = System.getenv("THELOOK_BIGQUERY_TEST");
        assumeTrue(target != null && !target.isBlank(), "set THELOOK_BIGQUERY_TEST=PROJECT.DATASET and Application Default"
                + " Credentials to run the sink against real BigQuery (docs/bigquery.md, testing)");
        BigQuerySettings settings = BigQuerySettings.parse(target, null, Duration.ZERO, null, null);
        BigQuery bigquery = BigQueryOptions.newBuilder().setProjectId(settings.project()).build().getService();
        for (MartTable t : MartTable.values()) {
            bigquery.delete(TableId.of(settings.project(), settings.dataset(), t.tableName()));
        }
        Path input = tmp.resolve("input");
        new TheLookGenerator(200, 31).writeCsv(input);
        var options = new ReplayJob.Options(input, null, new KafkaClients(null, Map.of()), null, TheLookTable.DEFAULT_TOPIC_PREFIX, 2, 2,
                100, StoreKind.MEMORY, OnError.FAIL, Duration.ofMinutes(10), RegistrySettings.inMemory(),
                SinkOptions.bigquery(settings, 10_000, Duration.ofSeconds(1)));
        new ReplayJob(options, new JobListener() {}).run();

        Path file = tmp.resolve("from-bigquery.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file)) {
            for (MartTable t : MartTable.values()) {
                c.createStatement().execute("CREATE TABLE " + t.tableName() + " (" + String.join(", ", t.columns().stream()
                        .map(col -> col.name() + " " + (col.type() == MartTable.Type.TIMESTAMP ? "TIMESTAMP" : col.type().duckDb())).toList()) + ")");
                String marks = String.join(", ", t.columns().stream().map(col -> col.type() == MartTable.Type.TIMESTAMP ? "make_timestamp(?)" : "?").toList());
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + t.tableName() + " VALUES (" + marks + ")")) {
                    for (FieldValueList row : bigquery.query(QueryJobConfiguration.of("SELECT * FROM `" + settings.project() + "."
                            + settings.dataset() + "." + t.tableName() + "`")).iterateAll()) {
                        for (int i = 0; i < t.columns().size(); i++) {
                            FieldValue v = row.get(t.columns().get(i).name());
                            insert.setObject(i + 1, v.isNull() ? null : switch (t.columns().get(i).type()) {
                                case INT64 -> v.getLongValue();
                                case FLOAT64 -> v.getDoubleValue();
                                case TIMESTAMP -> v.getTimestampValue();
                                case STRING -> v.getStringValue();
                            });
                        }
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
        }
        MartComparison.Result result = MartComparison.compareDuckDb(input, file);
        assertThat(result.differences()).as(result.toString()).isEmpty();
    }
}
