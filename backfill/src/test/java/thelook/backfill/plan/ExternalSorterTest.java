package thelook.backfill.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.schemas.TheLookTable;

class ExternalSorterTest {
    @TempDir
    Path dir;

    @Test
    void mergesSpilledRunsInTimeThenSequenceOrder() {
        Random random = new Random(1);
        List<PlannedRecord> added = new ArrayList<>();
        try (ExternalSorter sorter = new ExternalSorter(dir, 1000)) {
            for (int seq = 0; seq < 10_500; seq++) {
                long time = random.nextInt(50) == 0 ? PlannedRecord.NO_TIME : random.nextInt(500);
                PlannedRecord r = new PlannedRecord(time, seq, TheLookTable.EVENTS, seq, new byte[] {(byte) seq});
                added.add(r);
                sorter.add(r);
            }
            assertThat(sorter.spilledRuns()).isEqualTo(10);
            List<PlannedRecord> sorted = new ArrayList<>();
            sorter.sorted().forEachRemaining(sorted::add);
            added.sort(Comparator.comparingLong(PlannedRecord::time).thenComparingLong(PlannedRecord::seq));
            assertThat(sorted).extracting(PlannedRecord::seq).containsExactlyElementsOf(added.stream().map(PlannedRecord::seq).toList());
        }
        assertThat(dir.toFile().list()).isEmpty(); // runs removed on close
    }
}
