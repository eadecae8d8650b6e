package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.generate.TheLookGenerator;

/** Generated theLook data through the topology (TopologyTestDriver) equals the batch oracle, in several delivery orders. */
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

    @Test
    void eventTimeOrderEqualsBatch() throws Exception {
        assertEqualsBatch(replay, "in-order");
    }

    @Test
    void shuffledAcrossTopicsEqualsBatch() throws Exception {
        assertEqualsBatch(ReplayRecords.shuffleAcrossTopics(replay, 11), "shuffled");
    }

    @Test
    void shuffledWithDuplicatesEqualsBatch() throws Exception {
        assertEqualsBatch(ReplayRecords.withDuplicates(ReplayRecords.shuffleAcrossTopics(replay, 23), 0.2, 5), "duplicated");
    }

    private static void assertEqualsBatch(List<ReplayRecords.Raw> records, String name) throws Exception {
        Path marts;
        try (DriverHarness harness = new DriverHarness(tmp.resolve("state-" + name))) {
            harness.pipe(records);
            marts = harness.writeMarts(tmp.resolve("marts-" + name));
        }
        MartComparison.Result result = MartComparison.compare(input, marts);
        assertThat(result.rowsPerMart().get("dim_customer_metrics")).isEqualTo(400);
        assertThat(result.rowsPerMart().get("fct_cross_sell_candidates")).isPositive();
        assertThat(result.differences()).as(result.toString()).isEmpty();
    }
}
