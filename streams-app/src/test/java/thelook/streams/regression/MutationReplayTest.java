package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import thelook.backfill.generate.TheLookGenerator;

/**
 * Updates and deletes arriving mid-stream on every input topic ({@link SnapshotChanges#standard}): each
 * change is delivered at a random point after the key's own earlier versions. Expected: the batch oracle
 * over the snapshot with the same changes applied.
 */
class MutationReplayTest {
    @TempDir
    static Path tmp;
    static CsvDir base;
    static List<ReplayRecords.Raw> baseReplay;

    @BeforeAll
    static void generate() throws Exception {
        Path dir = tmp.resolve("base");
        new TheLookGenerator(300, 3).writeCsv(dir);
        base = CsvDir.read(dir);
        baseReplay = ReplayRecords.plan(dir);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void updatesAndDeletesMidStreamEqualBatch(long seed) throws Exception {
        SnapshotChanges changes = SnapshotChanges.standard(base, tmp);
        Path expectedInput = changes.after().write(tmp.resolve("after-" + seed));
        List<ReplayRecords.Raw> stream = changes.deliverMidStream(
                ReplayRecords.shuffleAcrossTopics(baseReplay, seed), tmp.resolve("changes-" + seed), seed);
        Path marts;
        try (DriverHarness harness = new DriverHarness(tmp.resolve("state-" + seed))) {
            harness.pipe(stream);
            marts = harness.writeMarts(tmp.resolve("marts-" + seed));
        }
        MartComparison.Result result = MartComparison.compare(expectedInput, marts);
        assertThat(result.differences()).as(result.toString()).isEmpty();
        assertThat(changes.count()).isGreaterThanOrEqualTo(12);
    }
}
