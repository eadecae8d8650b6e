package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.bigquery.BigQuerySourceSettings;
import thelook.backfill.generate.TheLookGenerator;
import thelook.backfill.plan.EventWindow;
import thelook.backfill.plan.ReplayPlan;
import thelook.backfill.source.BadInputException;
import thelook.backfill.source.OnError;
import thelook.backfill.source.TableSource;
import thelook.schemas.TheLookTable;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.ReplayJob;
import thelook.streams.app.SinkOptions;
import thelook.streams.app.SourceSpec;
import thelook.streams.names.TopicNames;
import thelook.streams.testing.ChildJvm;
import thelook.streams.testing.FakeBigQueryRead;
import thelook.streams.testing.FakeBigQueryRest;
import thelook.streams.testing.FakeTheLookDataset;
import thelook.streams.topology.StoreKind;

/**
 * {@code --source bigquery:} with the real google-cloud-bigquery and google-cloud-bigquerystorage clients
 * against in-process fakes ({@link FakeBigQueryRest}, {@link FakeBigQueryRead}; NOT BigQuery) serving a
 * generated dataset: the marts equal the batch oracle over the same data as CSV, with every read stream
 * broken once on the way (the client resumes it at its offset) and two session requests failing (retried); {@code kill -9} of a backfill child process
 * and a restart give the same marts; every error names what is wrong.
 */
class BigQueryBackfillTest {
    private static final String PROJECT = "fake-data-project";
    private static final String DATASET = "thelook";

    @TempDir
    Path tmp;

    private FakeBigQueryRest rest;
    private FakeBigQueryRead read;

    @BeforeEach
    void fakes() throws Exception {
        rest = new FakeBigQueryRest();
        read = new FakeBigQueryRead();
    }

    @AfterEach
    void close() {
        read.close();
        rest.close();
    }

    private SourceSpec source(int streams) {
        return new SourceSpec(SourceSpec.Kind.BIGQUERY, null, 0, 0, BigQuerySourceSettings.parse(PROJECT + "." + DATASET,
                "fake-billing-project", null, rest.endpoint(), read.endpoint(), streams));
    }

    @Test
    void replayFromBigQueryEqualsTheBatchMartsOfTheSameCsvs() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(600, 21).writeCsv(input);
        FakeTheLookDataset.serve(input, PROJECT, DATASET, rest, read);
        read.breakEachStreamOnce(true);
        read.failNextSessions(2);
        Path output = tmp.resolve("marts");
        var options = new ReplayJob.Options(null, output, new KafkaClients(null, Map.of()), null, TheLookTable.DEFAULT_TOPIC_PREFIX, 2,
                2, 100, null, OnError.FAIL, Duration.ofMinutes(5), RegistrySettings.inMemory(), SinkOptions.none(), source(3));

        ReplayJob.Summary summary = new ReplayJob(options, new JobListener() {}).run();

        assertThat(summary.rowsPerMart()).containsEntry("dim_customer_metrics", 600L);
        MartComparison.Result result = MartComparison.compare(input, output);
        assertThat(result.differences()).as(result.toString()).isEmpty();
        assertThat(result.rowsPerMart().get("fct_cross_sell_candidates")).isPositive();
        assertThat(read.brokenStreams.get()).as("streams broken on purpose").isPositive();
        assertThat(read.resumedReads.get()).as("reads resumed at an offset").isEqualTo(read.brokenStreams.get());
        assertThat(read.sessions.get()).as("sessions, after two that failed and were retried").isEqualTo(7);
        assertThat(read.selectedFields).allSatisfy(fields -> assertThat(fields).isNotEmpty()
                .doesNotContain(FakeTheLookDataset.EXTRA_COLUMN));
    }

    @Test
    void aBackfillKilledMidRunAndRestartedGivesTheSameMarts() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(300, 8).writeCsv(input);
        FakeTheLookDataset.serve(input, PROJECT, DATASET, rest, read);
        int kafkaPort = ApicurioRegistry.freePort();
        int registryPort = ApicurioRegistry.freePort();
        var options = new MartsService.Options(new KafkaClients(null, Map.of()), new RegistrySettings(null, Map.of()),
                TopicNames.defaults(), "thelook-streams", tmp.resolve("state"), StoreKind.MEMORY, 2, 0, null, 100, kafkaPort,
                registryPort, null, OnError.FAIL, Duration.ofMinutes(2), null);
        try (MartsService service = MartsService.start(options, new JobListener() {})) {
            List<String> args = new ArrayList<>(List.of("backfill", "--source", "bigquery:" + PROJECT + "." + DATASET,
                    "--project", "fake-billing-project", "--source-api-endpoint", rest.endpoint(),
                    "--source-read-endpoint", read.endpoint(), "--bootstrap-servers", "localhost:" + kafkaPort,
                    "--schema-registry-url", "http://localhost:" + registryPort, "--checkpoint-interval-s", "1"));
            List<String> slow = new ArrayList<>(args);
            slow.addAll(List.of("--rate", "1500/s"));
            try (ChildJvm first = ChildJvm.start(tmp.resolve("first.log"), slow.toArray(String[]::new))) {
                first.awaitOutput("Producing", Duration.ofMinutes(2));
                Thread.sleep(4_000); // a few checkpoints in, far from the end (about 20 s of records at this rate)
                first.kill();
            }
            try (ChildJvm second = ChildJvm.start(tmp.resolve("second.log"), args.toArray(String[]::new))) {
                assertThat(second.await(Duration.ofMinutes(3))).as(second.output()).isZero();
                assertThat(second.output()).contains("resuming from the checkpoint").contains("resumed from a checkpoint");
            }
            ServiceRestartTest.awaitCaughtUp(service);
            Path marts = tmp.resolve("marts");
            service.app().writeMartCsvs(marts);
            ServiceRestartTest.assertEqualToOracle(input, marts);
        }
    }

    @Test
    void errorsNameWhatIsMissingOrRefused() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(20, 3).writeCsv(input);
        var all = EnumSet.allOf(TheLookTable.class);

        assertThatThrownBy(() -> source(2).open(all, null, null, null)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("dataset " + PROJECT + "." + DATASET + " not found");

        rest.addDataset(PROJECT, DATASET);
        assertThatThrownBy(() -> source(2).open(all, null, null, null))
                .hasMessageContaining("table " + PROJECT + "." + DATASET + ".products not found");

        FakeTheLookDataset.serve(input, PROJECT, DATASET, rest, read);
        var withoutStatus = FakeTheLookDataset.columns(TheLookTable.ORDERS).stream().filter(c -> !c.name().equals("status")).toList();
        rest.putTable(PROJECT, DATASET, "orders", FakeTheLookDataset.tableJson(PROJECT, DATASET, "orders", withoutStatus, 1, 1));
        assertThatThrownBy(() -> source(2).open(all, null, null, null))
                .hasMessageContaining(PROJECT + "." + DATASET + ".orders: missing required column status");

        rest.putTable(PROJECT, DATASET, "orders", FakeTheLookDataset.tableJson(PROJECT, DATASET, "orders",
                FakeTheLookDataset.columns(TheLookTable.ORDERS), 1, 1));
        read.denyAll(Status.PERMISSION_DENIED);
        try (TableSource source = source(2).open(all, null, null, null)) {
            assertThatThrownBy(() -> source.readers(TheLookTable.USERS))
                    .hasMessageContaining("roles/bigquery.readSessionUser").hasMessageContaining("fake-billing-project")
                    .hasMessageContaining("roles/bigquery.dataViewer");
        }
        read.denyAll(null);

        rest.denyAll(true);
        assertThatThrownBy(() -> source(2).open(all, null, null, null)).hasMessageContaining("roles/bigquery.dataViewer");
    }

    @Test
    void aRowThatDoesNotFitGoesToTheRejectedRowsWithItsReason() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(20, 3).writeCsv(input);
        FakeTheLookDataset.serve(input, PROJECT, DATASET, rest, read);
        read.addRow(PROJECT, DATASET, "events", Map.of("user_id", 1L, "created_at", Instant.parse("2024-01-01T00:00:00Z")));
        List<String> rejected = new ArrayList<>();
        try (TableSource source = source(2).open(EnumSet.of(TheLookTable.EVENTS), null, null, null);
             ReplayPlan plan = ReplayPlan.fromSource(source, TestSerdes.REGISTRY, "t.", new ReplayPlan.Options(OnError.SKIP,
                     EventWindow.ALL, (message, row) -> rejected.add(message + " | " + row), null), null)) {
            assertThat(plan.skippedRows().count()).isEqualTo(1);
        }
        assertThat(rejected).singleElement().asString().contains(PROJECT + "." + DATASET + ".events")
                .contains("column id: the primary key is NULL").contains("\"user_id\": 1");

        try (TableSource source = source(2).open(EnumSet.of(TheLookTable.EVENTS), null, null, null)) {
            assertThatThrownBy(() -> ReplayPlan.fromSource(source, TestSerdes.REGISTRY, "t.",
                    new ReplayPlan.Options(OnError.FAIL, EventWindow.ALL, null, null), null))
                    .hasMessageContaining("the primary key is NULL").hasMessageContaining("--on-error skip");
        }
    }

    @Test
    void anUntilWindowIsPushedDownAndTheSnapshotHidesLaterRows() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(50, 4).writeCsv(input);
        FakeTheLookDataset.serve(input, PROJECT, DATASET, rest, read);
        Instant snapshot = Instant.now();
        Thread.sleep(20);
        read.addRow(PROJECT, DATASET, "users", Map.of("id", 999_999L, "created_at", Instant.parse("2020-01-01T00:00:00Z")));
        Instant until = Instant.parse("2022-01-01T00:00:00Z");
        try (TableSource source = source(2).open(EnumSet.of(TheLookTable.USERS), snapshot, null, until);
             ReplayPlan plan = ReplayPlan.fromSource(source, TestSerdes.REGISTRY, "t.", new ReplayPlan.Options(OnError.FAIL,
                     EventWindow.of(null, until), null, null), null)) {
            assertThat(plan.rowsPerTable().get(TheLookTable.USERS)).as("rows read: those created before --until, none added after"
                    + " the snapshot").isLessThan(50L).isPositive();
        }
        assertThat(read.restrictions).anySatisfy(r -> assertThat(r).contains("created_at < TIMESTAMP '2022-01-01 00:00:00.000000 UTC'"));
    }
}
