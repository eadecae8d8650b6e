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
            assertYieldsInTimeThenSeqOrder(sorter, added);
        }
        assertThat(dir.toFile().list()).isEmpty(); // runs removed on close
    }

    @Test
    void absorbedSortersMergeIntoOneOrder() {
        Random random = new Random(2);
        List<PlannedRecord> added = new ArrayList<>();
        try (ExternalSorter main = new ExternalSorter(dir, 300)) {
            for (int table = 0; table < 3; table++) {
                ExternalSorter other = new ExternalSorter(dir, 300); // as one planner thread fills it
                for (int i = 0; i < 1000 + table * 77; i++) {
                    long seq = ((long) table << 40) + i;
                    PlannedRecord r = new PlannedRecord(random.nextInt(100), seq, TheLookTable.values()[table], i, new byte[0]);
                    added.add(r);
                    other.add(r);
                }
                main.absorb(other);
                other.close(); // owns nothing any more
            }
            assertThat(main.count()).isEqualTo(added.size());
            assertYieldsInTimeThenSeqOrder(main, added);
        }
        assertThat(dir.toFile().list()).isEmpty();
    }

    /** The sorter against the JDK's sort of the same records: the expected order is computed independently. */
    private static void assertYieldsInTimeThenSeqOrder(ExternalSorter sorter, List<PlannedRecord> added) {
        List<PlannedRecord> sorted = new ArrayList<>();
        sorter.sorted().forEachRemaining(sorted::add);
        List<Long> expected = added.stream()
                .sorted(Comparator.comparingLong(PlannedRecord::time).thenComparingLong(PlannedRecord::seq))
                .map(PlannedRecord::seq).toList();
        assertThat(sorted).extracting(PlannedRecord::seq).containsExactlyElementsOf(expected);
    }
}
