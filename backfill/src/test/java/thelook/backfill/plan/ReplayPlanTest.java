package thelook.backfill.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.source.BadInputException;
import thelook.backfill.source.OnError;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.AvroTrust;
import thelook.schemas.TopicSerdes;

/** The planner reads tables in parallel; what it yields must not depend on that. */
class ReplayPlanTest {
    @TempDir
    Path dir;

    static {
        AvroTrust.install();
    }

    @Test
    void theStreamIsInTimeOrderWithEachKeysVersionsInOrderAndTheSameEveryTime() throws Exception {
        new TheLookGenerator(200, 7).writeCsv(dir);
        List<PlannedRecord> first = plan(OnError.FAIL);
        List<PlannedRecord> second = plan(OnError.FAIL);

        assertThat(first).hasSizeGreaterThan(5000);
        assertThat(second).extracting(PlannedRecord::seq).containsExactlyElementsOf(first.stream().map(PlannedRecord::seq).toList());
        Map<String, Long> lastSeqOfKey = new HashMap<>();
        for (int i = 0; i < first.size(); i++) {
            PlannedRecord r = first.get(i);
            if (i > 0) {
                PlannedRecord before = first.get(i - 1);
                assertThat(r.time()).isGreaterThanOrEqualTo(before.time());
                if (r.time() == before.time()) {
                    // ties: the table read first, then the row read first, as a one-table-at-a-time read would give
                    assertThat(r.seq()).isGreaterThan(before.seq());
                }
            }
            Long previous = lastSeqOfKey.put(r.table() + ":" + r.key(), r.seq());
            if (previous != null) {
                assertThat(r.seq()).as("versions of %s:%s in order", r.table(), r.key()).isGreaterThan(previous);
            }
        }
    }

    @Test
    void skippedRowsOfSeveralTablesAreCountedAndReportedInTableOrder() throws Exception {
        new TheLookGenerator(50, 3).writeCsv(dir);
        append("events.csv", "not-a-number,1,1,s,2024-01-01 00:00:00 UTC,,,,,,,/home,home\n");
        append("products.csv", "oops\n");

        ReplayPlanCounts counts;
        try (ReplayPlan plan = ReplayPlan.fromCsvDirectory(dir, TopicSerdes.plainAvro(), "t.", OnError.SKIP, null)) {
            counts = new ReplayPlanCounts(plan.skippedRows().count(), plan.skippedRows().firstMessages());
        }
        assertThat(counts.skipped()).isEqualTo(2);
        assertThat(counts.messages().get(0)).contains("products.csv");
        assertThat(counts.messages().get(1)).contains("events.csv");
    }

    @Test
    void aBadRowFailsNamingItsFileAndLeavesNoRunFiles() throws Exception {
        new TheLookGenerator(50, 3).writeCsv(dir);
        long lines = Files.lines(dir.resolve("users.csv")).count();
        append("users.csv", "x1,,,,,,,,,,,,,,\n");
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        long runDirsBefore = replayDirs(temp);

        assertThatThrownBy(() -> ReplayPlan.fromCsvDirectory(dir, TopicSerdes.plainAvro(), "t.", OnError.FAIL, null))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("users.csv: line " + (lines + 1));
        assertThat(replayDirs(temp)).isEqualTo(runDirsBefore);
    }

    private record ReplayPlanCounts(long skipped, List<String> messages) {}

    private List<PlannedRecord> plan(OnError onError) {
        List<PlannedRecord> out = new ArrayList<>();
        try (ReplayPlan plan = ReplayPlan.fromCsvDirectory(dir, TopicSerdes.plainAvro(), "t.", onError, null)) {
            plan.forEach(out::add);
        }
        return out;
    }

    private void append(String file, String line) throws Exception {
        Files.writeString(dir.resolve(file), line, StandardOpenOption.APPEND);
    }

    private static long replayDirs(Path temp) throws Exception {
        try (var files = Files.list(temp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("thelook-replay-")).count();
        }
    }
}
