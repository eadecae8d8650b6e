package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import thelook.backfill.generate.TheLookGenerator;
import thelook.streams.topology.StoreKind;

/**
 * Generated theLook data through the topology (TopologyTestDriver) equals the batch oracle, in several delivery orders,
 * with the state in memory (the replay's default) and on RocksDB (the service's).
 */
class GeneratedReplayTest {
    @TempDir
    static Path tmp;
    static Path input;
    static List<ReplayRecords.Raw> replay;

    @BeforeAll
    static void generate() {
        input = tmp.resolve("input");
        new TheLookGenerator(400, 7).writeCsv(input);
        replay = ReplayRecords.plan(input);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void eventTimeOrderEqualsBatch(StoreKind stores) throws Exception {
        assertEqualsBatch(replay, "in-order-" + stores, stores);
    }

    @Test
    void shuffledAcrossTopicsEqualsBatch() throws Exception {
        assertEqualsBatch(ReplayRecords.shuffleAcrossTopics(replay, 11), "shuffled", StoreKind.MEMORY);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void shuffledWithDuplicatesEqualsBatch(StoreKind stores) throws Exception {
        assertEqualsBatch(ReplayRecords.withDuplicates(ReplayRecords.shuffleAcrossTopics(replay, 23), 0.2, 5),
                "duplicated-" + stores, stores);
    }

    private static void assertEqualsBatch(List<ReplayRecords.Raw> records, String name, StoreKind stores) throws Exception {
        Path marts;
        try (DriverHarness harness = new DriverHarness(tmp.resolve("state-" + name), stores)) {
            harness.pipe(records);
            marts = harness.writeMarts(tmp.resolve("marts-" + name));
        }
        MartComparison.Result result = MartComparison.compare(input, marts);
        assertThat(result.rowsPerMart().get("dim_customer_metrics")).isEqualTo(400);
        assertThat(result.rowsPerMart().get("fct_cross_sell_candidates")).isPositive();
        assertThat(result.differences()).as(result.toString()).isEmpty();
    }
}
